import type { Pool } from 'pg';
import type { Clock } from '@app/kernel';
import type { EventStore } from '@app/event-store';
import { Scheduler } from '../scheduler';

export interface DemoPeriodsPorts {
  readonly pool: Pool;
  readonly store: EventStore;
  readonly clock: Clock;
  readonly timeZone: string;
}

/**
 * What time has made facts of in the demo's history, recorded as the scheduler records them: BusinessPeriodEnded
 * for every day, month, quarter and year since `from` (YYYY-MM-DD), and DeadlineElapsed for the deadlines already
 * past. The demo's history is dated before its first event was appended, so the running scheduler, which starts
 * at the first event's date, would never end its months. A second run appends nothing (fixed event ids).
 */
export async function seedDemoTimeFacts(ports: DemoPeriodsPorts, from: string): Promise<{ periods: number; elapsed: number }> {
  const scheduler = new Scheduler(ports.pool, ports.store, ports.clock, { timeZone: ports.timeZone, periodsFrom: from });
  return scheduler.tick();
}
