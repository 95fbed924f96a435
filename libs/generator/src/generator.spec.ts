import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { businessPeriodEventId } from '@app/kernel';
import type { EventToAppend } from '@app/event-store';
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
      // observations of its publications (1.7 a publication), finance's payout periods and payouts and the
      // calendar's period ends come on top: ~23,000 in all (seed 42: 20,072 + 2,587 + 171 + 188; the reporting
      // history includes ~1,100 events of credit records)
      const c = a.summary.countsByType;
      const metrics = c.MetricsRecorded ?? 0;
      const finance = (c.PayoutPeriodOpened ?? 0) + (c.PayoutPeriodClosed ?? 0) + (c.PayoutRecorded ?? 0);
      const calendar = c.BusinessPeriodEnded ?? 0;
      expect(a.summary.events - metrics - finance - calendar).toBeGreaterThan(18_000);
      expect(a.summary.events - metrics - finance - calendar).toBeLessThan(22_000);
      // 180 days, 6 months and 2 quarters end within the six months from 2025-01-02
      expect(calendar).toBe(188);
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
        'IncidentExternalReportApproved', 'IncidentEscalated', 'IncidentFinalReportFiled', 'IncidentClosed', 'NotificationIssued', 'BusinessPeriodEnded',
        'PublicCreditRecordSubmitted', 'PersonalCreditRecordSubmitted', 'CreditRecordReturned', 'PublicCreditRecordCorrected', 'PersonalCreditRecordCorrected',
        'CreditRecordApproved', 'CreditRecordRejected', 'CreditRecordUploadFailed', 'CreditRecordUploadRequested', 'CreditRecordUploaded',
      ]) {
        expect([type, a.summary.countsByType[type] ?? 0]).not.toEqual([type, 0]);
      }
    }, 120_000);
  });

  it('records the end of every day, month and quarter as the scheduler does, at its end, and the close awards the month\u2019s ranking prizes', async () => {
    const log: { stream: string; expected: string; event: EventToAppend }[] = [];
    for await (const chunk of generateChunks({ size: 'small', seed: 'periods', plan: { targetEvents: 3_000, months: 4 } })) {
      for (const a of chunk) for (const event of a.events) log.push({ stream: a.stream, expected: String(a.expected), event });
    }
    const ends = log.filter((e) => e.event.type === 'BusinessPeriodEnded');
    const key = (e: (typeof ends)[number]) => `${(e.event.data as { period: string }).period} ${(e.event.data as { key: string }).key}`;
    // 2025-01-02 to 2025-05-02 (exclusive): the days from the first one, the months from its month, Q1; nothing ends at the end itself
    expect(ends.filter((e) => e.stream === 'businessCalendar-day')).toHaveLength(119);
    expect(ends.filter((e) => e.stream !== 'businessCalendar-day').map(key)).toEqual(['month 2025-01', 'month 2025-02', 'month 2025-03', 'quarter 2025-Q1', 'month 2025-04']);
    const january = ends.find((e) => key(e) === 'month 2025-01')!;
    const eventId = businessPeriodEventId('Asia/Shanghai', 'month', '2025-01');
    expect(january).toEqual({
      stream: 'businessCalendar-month',
      expected: 'no_stream',
      event: {
        type: 'BusinessPeriodEnded',
        data: { period: 'month', key: '2025-01', startedAt: '2024-12-31T16:00:00.000Z', endedAt: '2025-01-31T16:00:00.000Z', timeZone: 'Asia/Shanghai' },
        metadata: { eventId, commandId: eventId, correlationId: eventId, causationId: eventId, actorId: 'scheduler', schemaVersion: 1 },
      },
    });
    // at the month's end in simulated time: after the day it ends with, before anything done in February
    const at = log.indexOf(january);
    expect(key(log[at - 1]!)).toBe('day 2025-01-31');
    const created = log.map((e, i) => [i, (e.event.data as { createdAt?: string }).createdAt] as const).filter(([, c]) => c !== undefined);
    expect(created.filter(([i, c]) => (i < at) !== c! < '2025-01-31T16:00:00.000Z')).toEqual([]);
    expect(created.some(([i]) => i > at)).toBe(true);
    // the close of January (in February) pays the month's WeChat ranking to its first units
    const close = log.find((e) => e.event.type === 'PayoutPeriodClosed' && (e.event.data as { periodId: string }).periodId === '2025-01')!;
    const statement = (close.event.data as { statement: { payees: { lines: { lineKey: string; amountFen: number; eventIds: string[] }[] }[] } }).statement;
    const prizes = statement.payees.flatMap((p) => p.lines).filter((l) => l.lineKey.startsWith('ranking:month:2025-01:'));
    expect(prizes.map((l) => l.amountFen)).toContain(50_000);
    for (const prize of prizes) expect(prize.eventIds[0]).toBe(eventId);
  }, 60_000);

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
