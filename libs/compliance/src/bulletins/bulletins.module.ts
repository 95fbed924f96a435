import { Module } from '@nestjs/common';
import { PoliciesModule } from '@app/policies';
import { RewardsQueries } from '@app/rewards';
import { BulletinsHttpController } from './bulletins.http.controller';
import { BULLETIN_COMPLIANCE, BulletinsService, type ComplianceRowsSource } from './bulletins.service';
import { ComplianceModule } from '../compliance.module';
import { ComplianceQueries } from '../read/compliance.queries';

/**
 * Bulletins (通报, issue 11 item 6). The compliance rows come from the compliance read model (ComplianceQueries,
 * through the BULLETIN_COMPLIANCE port of bulletins.service.ts); the points from the rewards context's leaderboard.
 */
@Module({
  imports: [PoliciesModule, ComplianceModule],
  controllers: [BulletinsHttpController],
  providers: [
    BulletinsService,
    RewardsQueries,
    {
      provide: BULLETIN_COMPLIANCE,
      inject: [ComplianceQueries],
      useFactory: (queries: ComplianceQueries): ComplianceRowsSource => ({ rows: (period, key, read) => queries.rows(period, key, undefined, read) }),
    },
  ],
  exports: [BulletinsService],
})
export class BulletinsModule {}
