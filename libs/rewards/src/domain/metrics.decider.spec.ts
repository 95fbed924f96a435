import { RuleViolation } from '@app/kernel';
import { spec } from '@app/kernel/testing';
import { MetricsCommand, metricsDecider, metricsOutcome, PublicationFacts } from './metrics.decider';
import type { MetricsRecorded } from './metrics.events';

const publication: PublicationFacts = {
  publicationId: 'p1',
  draftId: 'd1',
  channelId: 'wechat-1',
  platform: 'wechat',
  publishedAt: '2026-03-02T02:00:00.000Z',
  retracted: false,
};
const now = '2026-03-10T02:00:00.000Z';
// a WeChat item with 10,000 followers read 4,500 times on day 3 (45% of followers, R3.06's first tier)
const day3: MetricsCommand = {
  type: 'RecordMetrics',
  publication,
  observedAt: '2026-03-05T02:00:00.000Z',
  source: 'wechat-mp-api',
  counts: { reads: 4500, reposts: 120, interactions: 300, followers: 10_000 },
  recordedBy: 'office-1',
  now,
};
const recorded = (command: MetricsCommand, replaces: MetricsRecorded['data']['replaces'] = null): MetricsRecorded => ({
  type: 'MetricsRecorded',
  data: {
    publicationId: 'p1',
    draftId: 'd1',
    channelId: 'wechat-1',
    platform: 'wechat',
    publishedAt: publication.publishedAt,
    observedAt: command.observedAt,
    source: command.source,
    ...command.counts,
    replaces,
    recordedBy: command.recordedBy,
    recordedAt: command.now,
  },
});
const withCounts = (counts: Partial<MetricsCommand['counts']>, extra: Partial<MetricsCommand> = {}): MetricsCommand => ({ ...day3, ...extra, counts: { ...day3.counts, ...counts } });
const refusedWith = (command: MetricsCommand, rule: string, field: string) => {
  spec(metricsDecider).given([]).when(command).thenThrows(RuleViolation, rule);
  try {
    metricsDecider.decide(command, metricsDecider.initialState());
  } catch (e) {
    expect((e as RuleViolation).details).toMatchObject({ rule, field });
  }
};

describe('metrics decider (engagement observations)', () => {
  describe('when nothing is recorded for the publication', () => {
    it('records the observation with replaces: null ("recorded")', () => {
      spec(metricsDecider).given([]).when(day3).then([recorded(day3)]);
      expect(metricsOutcome([recorded(day3)])).toBe('recorded');
    });
    it('records an observation without a follower count (followers: null)', () => {
      const noFollowers = withCounts({ followers: null });
      spec(metricsDecider).given([]).when(noFollowers).then([recorded(noFollowers)]);
    });
    it('accepts an observation at the publication instant and up to 5 minutes after now', () => {
      spec(metricsDecider).given([]).when({ ...day3, observedAt: publication.publishedAt }).thenMatches((e) => expect(e).toHaveLength(1));
      spec(metricsDecider).given([]).when({ ...day3, observedAt: '2026-03-10T02:05:00.000Z' }).thenMatches((e) => expect(e).toHaveLength(1));
    });
  });

  describe('the rules, each naming its field', () => {
    it('refuses an observation before the publication (metrics-before-publication)', () => {
      refusedWith({ ...day3, observedAt: '2026-03-02T01:59:59.000Z' }, 'metrics-before-publication', 'observedAt');
    });
    it('refuses an observation more than 5 minutes after now (metrics-in-the-future)', () => {
      refusedWith({ ...day3, observedAt: '2026-03-10T02:05:01.000Z' }, 'metrics-in-the-future', 'observedAt');
    });
    it.each([
      ['reads', -1],
      ['reposts', 1.5],
      ['interactions', Number.MAX_SAFE_INTEGER + 1],
      ['followers', -10],
    ] as const)('refuses %s = %d (counts are non-negative safe integers)', (field, value) => {
      refusedWith(withCounts({ [field]: value }), 'metrics-count-invalid', field);
    });
    it('refuses a blank source', () => {
      refusedWith({ ...day3, source: ' ' }, 'metrics-source-invalid', 'source');
    });
    it('refuses an observation of a retracted draft\'s publication (draft-retracted)', () => {
      refusedWith({ ...day3, publication: { ...publication, retracted: true } }, 'draft-retracted', 'draftId');
    });
    it('refuses a command for another publication on this stream', () => {
      spec(metricsDecider).given([recorded(day3)]).when({ ...day3, publication: { ...publication, publicationId: 'p2' } }).thenThrows(RuleViolation, 'metrics-publication-mismatch');
    });
  });

  describe('when the observation is already recorded', () => {
    it('decides nothing for the same counts again ("unchanged")', () => {
      spec(metricsDecider).given([recorded(day3)]).when({ ...day3, now: '2026-03-11T00:00:00.000Z' }).then([]);
      expect(metricsOutcome([])).toBe('unchanged');
    });
    it('corrects other counts for the same (observedAt, source), naming the counts it replaces ("corrected")', () => {
      const revised = withCounts({ reads: 4620 });
      spec(metricsDecider).given([recorded(day3)]).when(revised).then([recorded(revised, { reads: 4500, reposts: 120, interactions: 300, followers: 10_000 })]);
      expect(metricsOutcome([recorded(revised, day3.counts)])).toBe('corrected');
    });
    it('replaces the latest correction, not the first observation', () => {
      const second = withCounts({ reads: 4620 });
      const third = withCounts({ reads: 4700 });
      spec(metricsDecider)
        .given([recorded(day3), recorded(second, day3.counts)])
        .when(third)
        .thenMatches(([event]) => expect(event!.data.replaces).toEqual(second.counts));
    });
    it('treats the same instant from another source as a new observation', () => {
      const other = { ...day3, source: 'manual-entry' };
      spec(metricsDecider).given([recorded(day3)]).when(other).then([recorded(other)]);
    });
    it('records a late observation (observed before those already recorded) as new', () => {
      const day1 = withCounts({ reads: 1200 }, { observedAt: '2026-03-03T02:00:00.000Z' });
      spec(metricsDecider).given([recorded(day3)]).when(day1).then([recorded(day1)]);
    });
    it('keeps the latest counts per key in its state', () => {
      const revised = withCounts({ reads: 4620 });
      spec(metricsDecider)
        .given([recorded(day3), recorded(revised, day3.counts)])
        .thenState((state) => expect([...state.observations.values()].map((o) => o.counts.reads)).toEqual([4620]));
    });
  });
});
