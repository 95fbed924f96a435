import { Module } from '@nestjs/common';
import { RecordMetricsHandler } from './write/record-metrics/record-metrics.handler';
import { RecordMetricsHttpController } from './write/record-metrics/record-metrics.http.controller';
import { PublicationFactsReader } from './write/publication-facts';
import { PublicationMetricsHttpController } from './metrics-history/publication-metrics.http.controller';
import { RewardsHttpController } from './http/rewards.http.controller';
import { RewardsQueries } from './read/rewards.queries';
import { PayoutsHttpController } from './payouts/payouts.http.controller';
import { PayoutsService } from './payouts/payouts.service';
import { RewardComparisonsHttpController } from './comparisons/comparisons.http.controller';
import { RewardComparisons } from './comparisons/comparisons.service';
import { LedgerExportsHttpController } from './http/ledger-exports.http.controller';
import { RewardsExportHttpController } from './http/rewards-export.http.controller';
import { RewardsExports } from './http/rewards-exports';

/**
 * Rewards (issue 10): engagement metrics of channel publications, entitlements under the policies in force,
 * leaderboards, payout periods and the ledger. docs/rewards.md holds the semantics.
 */
@Module({
  controllers: [RecordMetricsHttpController, PublicationMetricsHttpController, RewardsHttpController, RewardsExportHttpController, PayoutsHttpController, RewardComparisonsHttpController, LedgerExportsHttpController],
  providers: [PublicationFactsReader, RecordMetricsHandler, RewardsQueries, RewardsExports, PayoutsService, RewardComparisons],
  // the audit context's as-of reports read the leaderboard and the ledger through the same query code
  exports: [RewardsQueries, PayoutsService],
})
export class RewardsModule {}
