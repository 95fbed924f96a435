export * from './scheduler';
export * from './scheduler.module';
export { schedulerProjection } from './read/scheduler.projection';
export { deadlineDecider } from './domain/deadline.decider';
export { periodsEnded, allPeriodsEnded } from './domain/business-periods';
export { seedDemoTimeFacts, type DemoPeriodsPorts } from './seed/demo-periods.seed';
export { registerSchedulerMetrics, schedulerBacklog, type SchedulerBacklog, type SchedulerBacklogOptions } from './scheduler.metrics';
