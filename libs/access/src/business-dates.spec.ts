import fc from 'fast-check';
import { DateTime } from 'luxon';
import { businessDate, businessDateAt } from './business-dates';

/** luxon's conversion of each instant on its own: what businessDate's hourly offsets must always agree with. */
const reference = (at: string, zone: string) => DateTime.fromISO(at, { zone: 'utc' }).setZone(zone).toISODate();

describe('businessDateAt and businessDate', () => {
  // zones with daylight saving time, half- and quarter-hour offsets, a 30-minute DST shift, and Asia/Shanghai's
  // own DST of 1986-1991 and its local mean time before 1901
  const zones = ['Asia/Tehran', 'Asia/Shanghai', 'Europe/Berlin', 'America/New_York', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/St_Johns'];

  it('gives the date luxon gives each instant, in every zone, across transitions (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: Date.UTC(1890, 0, 1), max: Date.UTC(2100, 0, 1) }), (zone, ms) => {
        const at = new Date(ms).toISOString();
        expect(businessDateAt(at, zone)).toBe(reference(at, zone));
        expect(businessDate(new Date(at), zone)).toBe(reference(at, zone));
      }),
      { numRuns: 5_000, seed: 20261203 },
    );
  });

  it('is exact at the millisecond of a transition and around midnight', () => {
    // Europe/Berlin: 2026-03-29 01:00 UTC (02:00 CET becomes 03:00 CEST); New York: 2026-11-01 06:00 UTC; Tehran
    // ended DST at local midnight, in the middle of a UTC hour: 2021-09-21 19:30 UTC, 24:00 +04:30 became 23:00 +03:30
    for (const [zone, iso] of [['Asia/Tehran', '2021-09-21T19:30:00.000Z'], ['Europe/Berlin', '2026-03-29T01:00:00.000Z'], ['America/New_York', '2026-11-01T06:00:00.000Z'], ['Asia/Shanghai', '1986-05-03T18:00:00.000Z'], ['Asia/Shanghai', '2026-11-30T16:00:00.000Z']] as const) {
      const t = Date.parse(iso);
      for (const d of [-3_600_001, -1, 0, 1, 3_599_999]) {
        const at = new Date(t + d).toISOString();
        expect([zone, at, businessDateAt(at, zone), businessDate(new Date(at), zone)]).toEqual([zone, at, reference(at, zone), reference(at, zone)]);
      }
    }
    // the end of November 2026 in Shanghai: 16:00 UTC is already 1 December
    expect(businessDateAt('2026-11-30T15:59:59.999Z', 'Asia/Shanghai')).toBe('2026-11-30');
    expect(businessDateAt('2026-11-30T16:00:00.000Z', 'Asia/Shanghai')).toBe('2026-12-01');
  });

  it('takes luxon for text that is not a plain UTC instant (an offset written out)', () => {
    expect(businessDateAt('2026-11-30T23:30:00+08:00', 'Asia/Shanghai')).toBe('2026-11-30');
    expect(businessDateAt('2026-11-30T23:30:00-05:00', 'Asia/Shanghai')).toBe('2026-12-01');
  });
});
