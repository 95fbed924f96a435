import type { EventStore, EventToAppend, ExpectedRevision, RecordedEvent } from '@app/event-store';
import { demoAuth, draftContent, publishPolicy, seedDemo, startTestApp } from '@test/support';

/**
 * A small history of real domain events, made through the API (the demo institution, a published policy and
 * drafts at every stage of their review chain, with outcomes), in position order. Used by the fault tests until
 * the generator (libs/generator) can write a history directly.
 */
export async function handMadeHistory(drafts = 12): Promise<RecordedEvent[]> {
  const t = await startTestApp();
  try {
    const demo = await seedDemo(t);
    const auth = await demoAuth(t, demo);
    await publishPolicy(t, auth.administrator!, 'law-enforcement-bureau-001C.json');
    const office = demo.units.office!;
    const channelId = demo.channels.wechat!;
    for (let i = 0; i < drafts; i++) {
      const content = draftContent(demo.byRole.reporter.memberId, { title: `我局开展夏季治安打击整治行动(第${i + 1}期)` });
      const created = await t.http.post('/v1/drafts').set(auth.reporter!).send({ unitId: office, ...content }).expect(201);
      const draftId = created.body.draftId as string;
      if (i % 6 === 0) continue; // left as a draft
      await t.http.post(`/v1/drafts/${draftId}/submit`).set(auth.reporter!).set('If-Match', '"0"').expect(200);
      if (i % 6 === 1) continue; // waiting for 初审
      await t.http.post(`/v1/drafts/${draftId}/steps/0/approve`).set(auth['unit_head@办公室']!).send({ comment: '同意' }).expect(200);
      if (i % 6 === 2) continue;
      await t.http.post(`/v1/drafts/${draftId}/steps/1/approve`).set(auth.confidentiality_reviewer!).send({ verdict: 'may_publish' }).expect(200);
      await t.http.post(`/v1/drafts/${draftId}/steps/2/approve`).set(auth['leader_in_charge@某市公安局']!).send({ comment: '同意报送' }).expect(200);
      if (i % 6 === 3) continue; // signed off
      const reviewer = auth.office_reviewer!;
      await t.http.post(`/v1/drafts/${draftId}/publications`).set(reviewer).send({ channelId, url: `https://mp.weixin.qq.com/s/${i}`, publishedAt: '2026-03-02T03:00:00Z', exclusiveFirstRelease: true }).expect(201);
      if (i % 6 === 4) continue;
      await t.http.post(`/v1/drafts/${draftId}/adoptions`).set(reviewer).send({ publicationName: '《某市信息》', levelKey: 'city', issue: `第${i}期`, adoptedAt: '2026-03-04T02:00:00Z' }).expect(201);
      await t.http.post(`/v1/drafts/${draftId}/instructions`).set(reviewer).send({ levelKey: 'city', leader: '李市长', text: '此做法很好,请在全市推广。', instructedAt: '2026-03-06T02:00:00Z' }).expect(201);
    }
    const events: RecordedEvent[] = [];
    for (let after = 0n; ; ) {
      const page = await t.store.readAll({ after, maxCount: 500 });
      if (page.length === 0) return events;
      events.push(...page);
      after = page[page.length - 1]!.position;
    }
  } finally {
    await t.close();
  }
}

/** One append of a history: one stream's events (as the store is given them). */
export interface HistoryAppend {
  readonly stream: string;
  readonly events: readonly EventToAppend[];
  readonly expected?: ExpectedRevision;
}

/** Recorded events as appends again (ids, data and metadata as they were); runs of one stream stay one append. */
export function asAppends(events: readonly RecordedEvent[]): HistoryAppend[] {
  const appends: HistoryAppend[] = [];
  for (let i = 0; i < events.length; ) {
    let j = i + 1;
    while (j < events.length && events[j]!.streamId === events[i]!.streamId) j++;
    const run = events.slice(i, j).map((e) => {
      const { recordedAt: _recordedAt, ...metadata } = e.metadata;
      return { type: e.type, data: e.data, metadata };
    });
    appends.push({ stream: events[i]!.streamId, events: run, expected: 'any' });
    i = j;
  }
  return appends;
}

/** Appends in order, through the store port (appendMany in chunks when the store has it). */
export async function appendAll(target: EventStore, appends: readonly HistoryAppend[]): Promise<void> {
  const many = (target as Partial<{ appendMany(a: readonly HistoryAppend[]): Promise<unknown> }>).appendMany;
  if (typeof many === 'function') {
    for (let i = 0; i < appends.length; i += 200) await many.call(target, appends.slice(i, i + 200));
    return;
  }
  for (const a of appends) await target.appendToStream(a.stream, a.events, a.expected ?? 'any');
}
