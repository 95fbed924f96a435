export * from './rewards.module';
export * from './domain/metrics.events';
export { metricsDecider, metricsStream, metricsOutcome, observationKey } from './domain/metrics.decider';
export type { MetricsCommand, MetricsOutcome, MetricsState, PublicationFacts } from './domain/metrics.decider';
export { rewardsProjection, REWARDS_TIME_ZONE } from './read/rewards.projection';
export { seedDemoActivity } from './seed/demo-activity.seed';
export type { DemoActivityPorts, DemoActivitySummary } from './seed/demo-activity.seed';
