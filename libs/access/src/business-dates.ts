import { DateTime } from 'luxon';

/** The institution's calendar day of an instant in a time zone (appointments start and end on such dates). */
export function businessDate(instant: Date, zone: string): string {
  const ms = instant.getTime();
  const offset = Number.isFinite(ms) ? offsetThroughHour(zone, Math.floor(ms / HOUR_MS)) : null;
  if (offset !== null) return new Date(ms + offset).toISOString().slice(0, 10);
  return DateTime.fromJSDate(instant).setZone(zone).toISODate()!;
}

const HOUR_MS = 3_600_000;
/** A UTC instant as the log writes them (toISOString): the fast path's input. */
const UTC_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
/** Per zone and UTC hour: the zone's offset (ms) all through that hour, or null when it changes within it. */
const hourOffsets = new Map<string, number | null>();
/** Entries kept before the memo starts over (a bound on memory; results never depend on it). */
const OFFSETS_LIMIT = 200_000;

function offsetThroughHour(timeZone: string, hour: number): number | null {
  const key = `${timeZone}|${hour}`;
  let offset = hourOffsets.get(key);
  if (offset === undefined) {
    const start = DateTime.fromMillis(hour * HOUR_MS, { zone: timeZone }).offset;
    const end = DateTime.fromMillis((hour + 1) * HOUR_MS - 1, { zone: timeZone }).offset;
    offset = start === end ? start * 60_000 : null;
    if (hourOffsets.size >= OFFSETS_LIMIT) hourOffsets.clear();
    hourOffsets.set(key, offset);
  }
  return offset;
}

/**
 * The business date (YYYY-MM-DD) of an instant given as text, in a time zone. The zone's offset is looked up once
 * per UTC hour (luxon's conversion per instant was a third of a rewards rebuild's CPU and most of a compliance
 * query's, npm run bench): when the offset is the same at the hour's first and last millisecond it holds for the
 * whole hour (no zone changes its offset twice within an hour); an hour with a transition, and any text that is not
 * a plain UTC instant, take luxon's conversion of the instant itself.
 */
export function businessDateAt(at: string, timeZone: string): string {
  if (UTC_INSTANT.test(at)) {
    const ms = Date.parse(at);
    const offset = offsetThroughHour(timeZone, Math.floor(ms / HOUR_MS));
    if (offset !== null) return new Date(ms + offset).toISOString().slice(0, 10);
  }
  return DateTime.fromISO(at, { zone: 'utc' }).setZone(timeZone).toISODate()!;
}

/**
 * The business time zone (BUSINESS_TIME_ZONE, validated at boot; default Asia/Shanghai), and the business date of
 * an instant in it: what "today" means for appointments in force, the policy in force and inbox dates. The one
 * place that knows the zone; everything that computes a business date asks it.
 */
export class BusinessDates {
  constructor(readonly timeZone: string) {}

  of(instant: Date): string {
    return businessDate(instant, this.timeZone);
  }
}
