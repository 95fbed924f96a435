import { Module } from '@nestjs/common';
import { RecordMetricsHandler } from './write/record-metrics/record-metrics.handler';
import { RecordMetricsHttpController } from './write/record-metrics/record-metrics.http.controller';
import { PublicationFactsReader } from './write/publication-facts';
import { PublicationMetricsHttpController } from './metrics-history/publication-metrics.http.controller';

/**
 * Rewards (issue 10): engagement metrics of channel publications, entitlements under the policies in force,
 * leaderboards, payout periods and the ledger. docs/rewards.md holds the semantics.
 */
@Module({
  controllers: [RecordMetricsHttpController, PublicationMetricsHttpController],
  providers: [PublicationFactsReader, RecordMetricsHandler],
})
export class RewardsModule {}
