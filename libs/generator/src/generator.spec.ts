import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { generateChunks, GenerationSummary, historyHash } from './generator';
import { BusinessTime } from './business-time';
import { Rng } from './random';
import { OUTSIDE_REPORTING_BUDGET } from './activities/drafts.activity';

describe('the data generator', () => {
  describe('given the same seed', () => {
    it('produces the same history, byte for byte (ids included)', async () => {
      const a = await historyHash({ size: 'small', seed: 42 });
      const b = await historyHash({ size: 'small', seed: 42 });
      expect(b.hash).toBe(a.hash);
      const other = await historyHash({ size: 'small', seed: 43, plan: { targetEvents: 2_000 } });
      expect(other.hash).not.toBe(a.hash);

      // sizes roughly as named: the reporting history of small is about 20,000 events, and the metrics
      // observations of its publications (1.7 a publication) and finance's payout periods and payouts come on top:
      // ~22,700 in all (seed 42: 19,859 + 2,709 + 158)
      const c = a.summary.countsByType;
      const metrics = c.MetricsRecorded ?? 0;
      const finance = (c.PayoutPeriodOpened ?? 0) + (c.PayoutPeriodClosed ?? 0) + (c.PayoutRecorded ?? 0);
      expect(a.summary.events - metrics - finance).toBeGreaterThan(18_000);
      expect(a.summary.events - metrics - finance).toBeLessThan(22_000);
      // a period a month, each month closed after its end (the last one is still open), payouts after each close
      expect([c.PayoutPeriodOpened, c.PayoutPeriodClosed]).toEqual([6, 5]);
      expect(c.PayoutRecorded).toBeGreaterThan(5 * 10);
      expect(metrics).toBeGreaterThan((a.summary.countsByType.DraftPublished ?? 0) * 1.2);
      expect(a.summary.events).toBeLessThan(25_000);
      expect(a.summary.refused).toEqual([]);
      // the scheduler's facts: a deadline elapses unless cancelled first, and only once (those due after the end never)
      expect(c.DeadlineElapsed).toBeLessThanOrEqual(c.DeadlineScheduled! - c.DeadlineCancelled!);
      expect(c.DeadlineElapsed).toBeGreaterThanOrEqual(c.DeadlineScheduled! - c.DeadlineCancelled! - 3);
      // every kind of activity is in it
      for (const type of [
        'UnitRegistered', 'UnitRenamed', 'UnitMoved', 'UnitDissolved', 'MemberRegistered', 'MemberAppointed', 'AppointmentEnded', 'MemberStatusChanged',
        'ChannelRegistered', 'FollowerCountRecorded', 'ChannelRetired', 'PolicyDrafted', 'PolicyValidated', 'PolicyPublished', 'PolicySuperseded',
        'DraftCreated', 'DraftEdited', 'DraftSubmitted', 'ReviewStepApproved', 'DraftReturnedForRevision', 'DraftRejected',
        'DraftReferredToSecrecyAuthority', 'SecrecyAuthorityAnswerRecorded', 'DraftSignedOff', 'DraftPublished', 'DraftAdopted',
        'DraftRatedExcellent', 'LeaderInstructionRecorded', 'DraftRetracted', 'CommissionIssued', 'CommissionCancelled', 'MetricsRecorded',
        'PayoutPeriodOpened', 'PayoutPeriodClosed', 'PayoutRecorded', 'DeadlineScheduled', 'DeadlineCancelled', 'DeadlineElapsed',
        'IncidentReported', 'IncidentWrittenReportFiled', 'IncidentFollowUpReported', 'IncidentInstructionGiven', 'IncidentInstructionFollowedUp',
        'IncidentExternalReportApproved', 'IncidentEscalated', 'IncidentFinalReportFiled', 'IncidentClosed', 'NotificationIssued',
      ]) {
        expect([type, a.summary.countsByType[type] ?? 0]).not.toEqual([type, 0]);
      }
    }, 120_000);
  });

  it('hands out chunks of about the requested size, each append with the revision its stream expects', async () => {
    const revisions = new Map<string, bigint>();
    let chunks = 0;
    for await (const chunk of generateChunks({ size: 'small', seed: 7, chunkEvents: 500, plan: { targetEvents: 3_000 } })) {
      chunks++;
      const events = chunk.reduce((n, a) => n + a.events.length, 0);
      expect(events).toBeLessThan(500 + 10);
      for (const a of chunk) {
        const at = revisions.get(a.stream);
        expect([a.stream, a.expected]).toEqual([a.stream, at === undefined ? 'no_stream' : at]);
        revisions.set(a.stream, (at ?? -1n) + BigInt(a.events.length));
      }
    }
    expect(chunks).toBeGreaterThan(4);
  }, 60_000);

  // minutes, not seconds: GENERATOR_SIZES=1 npx jest libs/generator/src/generator.spec.ts
  // The bound is on the heap that stays live (after a full collection, every 50,000 events): most of it at 24 months
  // is the payout ledger's state (every line recorded by the closed periods, which the payouts decider holds to
  // compute adjustments) and the items' facts the generator's finance keeps (docs/operations.md).
  (process.env.GENERATOR_SIZES ? it : it.skip).each([
    ['medium', 200_000, 256],
    ['large', 1_000_000, 512],
  ] as const)('%s is about %i events, in a live heap under %i MB', async (size, target, boundMb) => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    let events = 0;
    let next = 50_000;
    let maxHeap = 0;
    let summary: GenerationSummary | undefined;
    for await (const chunk of generateChunks({ size, seed: 42 }, (s) => (summary = s))) {
      for (const a of chunk) events += a.events.length;
      if (events >= next) {
        next += 50_000;
        gc();
        maxHeap = Math.max(maxHeap, process.memoryUsage().heapUsed);
      }
    }
    expect(summary!.refused).toEqual([]);
    // the reporting history follows the size's budget; the metrics observations and payouts come on top (about +15%)
    const c = summary!.countsByType;
    const reporting = events - OUTSIDE_REPORTING_BUDGET.reduce((n, type) => n + (c[type] ?? 0), 0);
    expect(reporting).toBeGreaterThan(target * 0.9);
    expect(reporting).toBeLessThan(target * 1.1);
    expect(events).toBeLessThan(target * 1.3);
    expect(maxHeap).toBeLessThan(boundMb * 1024 * 1024);
  }, 1_800_000);

  describe('business time (Asia/Shanghai)', () => {
    const time = new BusinessTime('2025-01-02', 24);
    it('skips the Spring Festival holidays and counts the 调休 Sunday as a working day', () => {
      // 2025-01-28 .. 2025-02-04 are holidays; Sunday 2025-01-26 is an adjusted working day
      expect(time.isWorkingDay(time.startOf('2025-01-26'))).toBe(true);
      expect(time.isWorkingDay(time.startOf('2025-01-29'))).toBe(false);
      const friday = Date.parse('2025-01-24T09:00:00+08:00');
      expect(time.date(time.afterWorkingDays(friday, 1, new Rng('t')))).toBe('2025-01-26');
      expect(time.date(time.afterWorkingDays(friday, 3, new Rng('t')))).toBe('2025-02-05');
    });
    it('moves office work past closing time to the next working morning', () => {
      const late = Date.parse('2025-01-27T17:00:00+08:00');
      expect(new Date(time.afterWorkingMinutes(late, 60)).toISOString()).toBe('2025-02-05T01:00:00.000Z'); // 09:00 local
    });
  });
});
