import type { DomainEvent } from '@app/kernel';
import type { DraftPublished } from '@app/reporting';
import { metricsDecider, metricsStream, type MetricsCommand, type PublicationFacts } from '@app/rewards';
import type { Rng } from '../random';
import type { Activity, World } from '../world';

const DAY = 86_400_000;
const MINUTE = 60_000;
/** Observations a publication gets (calibrated on the small history: about 1.7 events per publication, ~+14%). */
const OBSERVATIONS: readonly (readonly [number, number])[] = [
  [0, 10],
  [1, 40],
  [2, 35],
  [3, 15],
];

/**
 * Engagement metrics of every channel publication (issue 10): a few observations over days 1-10 after publication
 * (some beyond day 7, the window of 000-A), counts growing towards the item's reach, the follower count on some,
 * now and then one delivered late (after a later observation), and some platforms revising an earlier count (a
 * correction). Each is a RecordMetrics decided by the real metrics decider, as POST /v1/metrics decides it; a
 * retracted draft's publications get no more.
 */
export const metricsActivity: Activity = {
  name: 'metrics',
  start(world) {
    const rng = world.rng('metrics');
    const retracted = new Set<string>();
    world.onEvent((event: DomainEvent) => {
      if (event.type === 'DraftRetracted') retracted.add((event.data as { draftId: string }).draftId);
      if (event.type === 'DraftPublished') observe(world, rng, (event as DraftPublished).data, retracted);
    });
  },
};

function observe(world: World, rng: Rng, p: DraftPublished['data'], retracted: ReadonlySet<string>): void {
  const publication: Omit<PublicationFacts, 'retracted'> = { publicationId: p.publicationId, draftId: p.draftId, channelId: p.channelId, platform: p.platform, publishedAt: p.publishedAt };
  const published = Date.parse(p.publishedAt);
  const days = rng.sample([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], rng.weighted(OBSERVATIONS));
  if (days.length === 0) return;
  const reach = rng.int(300, 30_000);
  const followers = world.org.channels.get(p.channelId)?.followers ?? 0;
  const givesFollowers = followers > 0 && rng.chance(0.5);
  const source = rng.chance(0.9) ? `${p.platform}-api` : 'manual-entry';
  const stream = metricsStream(p.publicationId);
  let last = 0;
  const record = (at: number, observedAt: number, reads: number) => {
    last = Math.max(last, at);
    world.at(at, async () => {
      if (retracted.has(p.draftId)) return;
      const actor = await world.acting(world.staff.officeReviewer, 'metrics.record');
      if (!actor) return;
      const command: MetricsCommand = {
        type: 'RecordMetrics',
        publication: { ...publication, retracted: false },
        observedAt: new Date(observedAt).toISOString(),
        source,
        counts: { reads, reposts: Math.round(reads * 0.02), interactions: Math.round(reads * 0.05), followers: givesFollowers ? followers : null },
        recordedBy: actor.memberId,
        now: world.nowIso(),
      };
      world.run(stream, metricsDecider, command, actor.memberId);
    });
  };
  const observations = days.map((day) => {
    const observedAt = published + day * DAY + rng.int(0, 120) * MINUTE;
    // reads grow towards the item's reach, most of it in the first days
    const reads = Math.round(reach * (1 - Math.exp(-day / 2.5)));
    // usually sent within two hours; now and then days late, after a later observation
    const delay = rng.chance(0.12) ? rng.int(2, 4) * DAY : rng.int(10, 120) * MINUTE;
    record(observedAt + delay, observedAt, reads);
    return { observedAt, reads };
  });
  if (rng.chance(0.1)) {
    // the platform revises an earlier count: the same (observedAt, source), other reads
    const revised = rng.pick(observations);
    record(last + rng.int(1, 2) * DAY, revised.observedAt, revised.reads + rng.int(1, Math.max(1, Math.round(revised.reads * 0.05))));
  }
  world.at(last + MINUTE, () => world.ledger.forget(stream));
}
