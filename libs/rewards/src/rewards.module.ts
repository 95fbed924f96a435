import { Module } from '@nestjs/common';

/**
 * Rewards (issue 10): engagement metrics of channel publications, entitlements under the policies in force,
 * leaderboards, payout periods and the ledger. docs/rewards.md holds the semantics.
 */
@Module({ controllers: [], providers: [] })
export class RewardsModule {}
