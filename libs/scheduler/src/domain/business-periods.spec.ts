import { allPeriodsEnded, periodsEnded, startOfBusinessDate } from './business-periods';

const TZ = 'Asia/Shanghai';

describe('business periods in Asia/Shanghai (UTC+8)', () => {
  it('November 2026 ends at 2026-11-30T16:00Z (00:00 on 1 December in Beijing), not at midnight UTC', () => {
    const after = new Date('2026-11-10T03:00:00Z');
    expect(periodsEnded('month', TZ, after, new Date('2026-11-30T15:59:59.999Z'))).toEqual([]);
    expect(periodsEnded('month', TZ, after, new Date('2026-11-30T16:00:00Z'))).toEqual([
      { period: 'month', key: '2026-11', startedAt: '2026-10-31T16:00:00.000Z', endedAt: '2026-11-30T16:00:00.000Z', timeZone: TZ },
    ]);
  });
  it('a day ends at 16:00Z of the same UTC date', () => {
    expect(periodsEnded('day', TZ, new Date('2026-11-29T17:00:00Z'), new Date('2026-11-30T16:00:00Z'))).toEqual([
      { period: 'day', key: '2026-11-30', startedAt: '2026-11-29T16:00:00.000Z', endedAt: '2026-11-30T16:00:00.000Z', timeZone: TZ },
    ]);
  });
  it('Q4 and the year 2026 end at 2026-12-31T16:00Z', () => {
    const after = new Date('2026-12-01T00:00:00Z');
    expect(periodsEnded('quarter', TZ, after, new Date('2026-12-31T16:00:00Z'))).toEqual([
      { period: 'quarter', key: '2026-Q4', startedAt: '2026-09-30T16:00:00.000Z', endedAt: '2026-12-31T16:00:00.000Z', timeZone: TZ },
    ]);
    expect(periodsEnded('year', TZ, after, new Date('2026-12-31T16:00:00Z'))).toEqual([
      { period: 'year', key: '2026', startedAt: '2025-12-31T16:00:00.000Z', endedAt: '2026-12-31T16:00:00.000Z', timeZone: TZ },
    ]);
    expect(periodsEnded('quarter', TZ, after, new Date('2026-12-31T15:59:59Z'))).toEqual([]);
  });
  it('from the end of the last period reported, the next one is the first reported (each once)', () => {
    const first = periodsEnded('month', TZ, new Date('2026-09-15T00:00:00Z'), new Date('2026-12-01T00:00:00Z'));
    expect(first.map((p) => p.key)).toEqual(['2026-09', '2026-10', '2026-11']);
    const again = periodsEnded('month', TZ, new Date(first[2]!.endedAt), new Date('2027-01-01T00:00:00Z'));
    expect(again.map((p) => p.key)).toEqual(['2026-12']);
  });
  it('at a year boundary all four end together, in the order day, month, quarter, year', () => {
    const cursor = new Date('2026-12-31T15:00:00Z');
    const ended = allPeriodsEnded(TZ, { day: cursor, month: cursor, quarter: cursor, year: cursor }, new Date('2026-12-31T16:00:00Z'));
    expect(ended.map((p) => `${p.period} ${p.key}`)).toEqual(['day 2026-12-31', 'month 2026-12', 'quarter 2026-Q4', 'year 2026']);
  });
  it('the first instant of a business date is 16:00Z the day before', () => {
    expect(startOfBusinessDate('2026-11-01', TZ).toISOString()).toBe('2026-10-31T16:00:00.000Z');
  });
});
