import { ConfigError, loadConfig } from './config';

describe('scheduler configuration', () => {
  it('runs where projections run unless RUN_SCHEDULER says otherwise; checks every 30 s; periods from the first event', () => {
    expect(loadConfig({}).scheduler).toEqual({ run: true, periodsFrom: undefined, checkIntervalMs: 30_000 });
    expect(loadConfig({ RUN_PROJECTIONS: 'false' }).scheduler.run).toBe(false);
    expect(loadConfig({ RUN_PROJECTIONS: 'false', RUN_SCHEDULER: 'true' }).scheduler.run).toBe(true);
    expect(loadConfig({ RUN_SCHEDULER: 'no' }).scheduler.run).toBe(false);
  });
  it('reads SCHEDULER_PERIODS_FROM as a calendar date and SCHEDULER_CHECK_INTERVAL_MS as milliseconds', () => {
    expect(loadConfig({ SCHEDULER_PERIODS_FROM: '2026-11-01', SCHEDULER_CHECK_INTERVAL_MS: '5000' }).scheduler).toMatchObject({ periodsFrom: '2026-11-01', checkIntervalMs: 5000 });
  });
  it.each([
    ['SCHEDULER_PERIODS_FROM', '2026-02-30'],
    ['SCHEDULER_PERIODS_FROM', '2026-11'],
    ['SCHEDULER_CHECK_INTERVAL_MS', '10'],
    ['SCHEDULER_CHECK_INTERVAL_MS', 'soon'],
    ['RUN_SCHEDULER', 'maybe'],
  ])('refuses %s=%s naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});
