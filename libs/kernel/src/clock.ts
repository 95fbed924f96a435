/** The only way domain code learns the time: injected, so tests and replays are deterministic. */
export interface Clock {
  now(): Date;
}

export const CLOCK = Symbol('CLOCK');

export const systemClock: Clock = { now: () => new Date() };

/** A clock that tests move by hand. */
export class FixedClock implements Clock {
  constructor(private current: Date = new Date('2026-01-05T01:00:00Z')) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  set(date: Date | string): void {
    this.current = new Date(date);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
