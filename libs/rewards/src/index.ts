export * from './rewards.module';
export * from './domain/metrics.events';
export { metricsDecider, metricsStream, metricsOutcome, observationKey } from './domain/metrics.decider';
export type { MetricsCommand, MetricsOutcome, MetricsState, PublicationFacts } from './domain/metrics.decider';
export { rewardsProjection, REWARDS_TIME_ZONE } from './read/rewards.projection';
export { payoutsProjection } from './read/payouts.projection';
export { seedDemoActivity } from './seed/demo-activity.seed';
export type { DemoActivityPorts, DemoActivitySummary } from './seed/demo-activity.seed';
export { entitlementLines } from './domain/entitlements';
export type { EntitlementLine, Payee, RewardsEnvironment } from './domain/entitlements';
export { rewardsEnvironment, withFollowerCount } from './domain/environment';
export type { ChannelFacts, FollowerCount } from './domain/environment';
export { foldItem, ITEM_EVENT_TYPES } from './domain/item-facts';
export type { ItemFacts } from './domain/item-facts';
// for the data generator's finance, which awards ranking prizes as the rewards projection does
export { endedPeriodOf, periodRanked, rankingPrizeItemId, rankingPrizeLines } from './domain/ranking-prizes';
export type { EndedPeriod, PeriodEarnings, RankingEnvironment } from './domain/ranking-prizes';
export { balanceOf, buildStatement, PAYOUTS_STREAM, payeeKey, payoutsDecider, statementChecksum, statementLine } from './domain/payouts.decider';
export type { PayoutCommand, PayoutEvent, PayoutsState, Statement, StatementLine } from './domain/payouts.decider';
export { seedDemoPayouts } from './seed/demo-payouts.seed';
export type { DemoPayout, DemoPayoutPeriod, DemoPayoutsPorts, DemoPayoutsSummary } from './seed/demo-payouts.seed';
export { PayoutsService } from './payouts/payouts.service';
// for the bulletins (issue 11 item 6): the unit leaderboard by points, and the CSV / XLSX writer
export { RewardsQueries } from './read/rewards.queries';
export { RewardComparisons } from './comparisons/comparisons.service';
export { attachmentDisposition, EXPORT_FORMATS, EXPORT_MEDIA, renderExport } from './http/exports';
export type { ExportColumn, ExportFormat, ExportLang, ExportTable } from './http/exports';
