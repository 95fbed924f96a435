import { DateTime } from 'luxon';

/** The institution's calendar day of an instant in a time zone (appointments start and end on such dates). */
export function businessDate(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant).setZone(zone).toISODate()!;
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
