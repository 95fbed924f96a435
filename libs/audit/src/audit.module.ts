import { Module, Provider, Type } from '@nestjs/common';
import { RewardsModule } from '@app/rewards';
import { BulletinsModule, ComplianceModule } from '@app/compliance';
import { AuditHistoryHttpController } from './history/audit-history.http.controller';
import { AuditHistoryService } from './history/audit-history.service';
import { AsOfHttpController } from './as-of/as-of.http.controller';
import { AsOfReports } from './as-of/as-of-reports';
import { PersonalDataHttpController } from './personal-data/personal-data.http.controller';
import { PersonalDataService } from './personal-data/personal-data.service';

// Audit (issue 12): histories and the global log (./history), the hash chain, checkpoints and audit bundles (./chain).
const CONTROLLERS: Type[] = [AuditHistoryHttpController, PersonalDataHttpController, AsOfHttpController];
const PROVIDERS: Provider[] = [AuditHistoryService, PersonalDataService, AsOfReports];

@Module({ imports: [RewardsModule, ComplianceModule, BulletinsModule], controllers: CONTROLLERS, providers: PROVIDERS, exports: PROVIDERS })
export class AuditModule {}
