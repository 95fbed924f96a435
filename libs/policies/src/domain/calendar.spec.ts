import { WorkCalendar } from './calendar';
import { compilePolicy } from './compile-policy';
import type { PolicyDocument } from './policy-document';

const workingDays = (amount: number) => ({ unit: 'working_days' as const, amount });
const shanghai = (iso: string) => new Date(`${iso}+08:00`);

describe('working-day deadlines and the calendar\'s years (D16)', () => {
  const calendar = new WorkCalendar();

  it('the default calendar covers 2025 and 2026', () => {
    expect([...calendar.coveredYears].sort()).toEqual([2025, 2026]);
  });

  describe('inside the calendar\'s years', () => {
    it('counts holidays and adjusted working days, and is not provisional: 2026-09-30 + 1 working day is 2026-10-08 (National Day)', () => {
      const due = calendar.deadline(shanghai('2026-09-30T10:00:00'), workingDays(1));
      expect(due).toEqual({ at: shanghai('2026-10-08T23:59:59.999'), provisional: null });
    });
    it('a Friday + 1 working day is Monday', () => {
      expect(calendar.deadline(shanghai('2026-03-06T10:00:00'), workingDays(1))).toEqual({ at: shanghai('2026-03-09T23:59:59.999'), provisional: null });
    });
  });

  describe('outside the calendar\'s years', () => {
    it('a deadline in 2027 is marked provisional, naming the year counted Monday to Friday', () => {
      const due = calendar.deadline(shanghai('2027-02-05T10:00:00'), workingDays(3));
      expect(due.provisional).toEqual({ years: [2027], coveredYears: [2025, 2026], reason: expect.stringContaining('working days in 2027 counted Monday to Friday') });
      expect(due.at).toEqual(shanghai('2027-02-10T23:59:59.999'));
    });
    it('a count that starts in 2026 and runs into 2027 is provisional too', () => {
      expect(calendar.deadline(shanghai('2026-12-31T10:00:00'), workingDays(2)).provisional).toMatchObject({ years: [2027] });
    });
    it('units that do not count working days never depend on the calendar\'s years', () => {
      expect(calendar.deadline(shanghai('2027-02-05T10:00:00'), { unit: 'calendar_days', amount: 3 }).provisional).toBeNull();
      expect(calendar.deadline(shanghai('2027-02-05T10:00:00'), { unit: 'hours', amount: 2 }).provisional).toBeNull();
    });
    it('a policy calendar that lists 2027 covers it', () => {
      const own = new WorkCalendar({ holidays: ['2027-02-08', '2027-02-09'], workdays: [] });
      expect(own.deadline(shanghai('2027-02-05T10:00:00'), workingDays(1))).toEqual({ at: shanghai('2027-02-10T23:59:59.999'), provisional: null });
    });
  });

  describe('verdicts built on such a deadline', () => {
    const policy = (deadline: { unit: 'working_days'; amount: number }): PolicyDocument => ({
      id: 'calendar-spec',
      version: 1,
      title: 'calendar spec',
      rationale: 'D16',
      effectiveFrom: '2020-01-01',
      scope: { unitTypes: ['*'] },
      rules: {
        deadlines: [{ id: 'news-2-working-days', appliesTo: { contentTypes: ['news'] }, from: 'event', deadline }],
        incidentRules: { id: 'incidents', categories: [], firstReport: { unit: 'hours', amount: 1 }, writtenReport: deadline, lateAfter: { unit: 'hours', amount: 2 }, concealedAfter: { unit: 'hours', amount: 10 }, escalation: 'level_by_level' },
      },
    });
    const p = compilePolicy(policy(workingDays(2)));

    it('timeliness of a 2027 submission is provisional; a 2026 one is not', () => {
      expect(p.timeliness('news', '2027-03-01', shanghai('2027-03-02T10:00:00'))).toMatchObject({ late: false, provisional: { years: [2027] } });
      expect(p.timeliness('news', '2026-03-02', shanghai('2026-03-03T10:00:00'))).toMatchObject({ late: false, provisional: null });
    });
    it('an incident verdict whose written-report deadline counts 2027 working days is provisional', () => {
      expect(p.incidentVerdict(shanghai('2027-03-01T10:00:00'), shanghai('2027-03-01T10:30:00'))).toMatchObject({ verdict: 'on_time', provisional: { years: [2027] } });
      expect(p.incidentVerdict(shanghai('2026-03-02T10:00:00'), shanghai('2026-03-02T10:30:00'))!.provisional).toBeNull();
    });
  });
});
