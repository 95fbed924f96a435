import * as path from 'node:path';
import type { DynamicModule, Type } from '@nestjs/common';
import type { AnyProjection } from '@app/projections';
import type { AppConfig } from '@app/platform';
import { OrganizationModule, orgDirectoryProjection, orgTreeProjection, reviewCoverageProjection } from '@app/organization';
import { PoliciesModule, policiesProjection } from '@app/policies';
import { PolicyEngineReportingPolicy, ReportingModule, reportingProjection } from '@app/reporting';
import { payoutsProjection, RewardsModule, rewardsProjection } from '@app/rewards';
import { SchedulerModule, schedulerProjection } from '@app/scheduler';
import { incidentRemindersReactor, NotificationsModule, notificationsProjection } from '@app/notifications';
import { IncidentsModule, incidentsProjection } from '@app/incidents';
import { AuditModule, ChainModule } from '@app/audit';
import { CreditModule, creditProjection, creditUploadsReactor } from '@app/credit';
import { AppraisalModule, appraisalsProjection, BulletinsModule, bulletinsProjection, ComplianceModule, complianceProjection } from '@app/compliance';

/** The bounded contexts served by the API and the projections they bring. */
export function contextModules(config: AppConfig): (Type | DynamicModule)[] {
  return [
    OrganizationModule,
    PoliciesModule,
    ReportingModule.forRoot({ attachmentsDir: path.join(config.dataDir, 'attachments'), policy: PolicyEngineReportingPolicy, imports: [PoliciesModule] }),
    RewardsModule,
    IncidentsModule,
    NotificationsModule,
    SchedulerModule.forRoot({ run: config.scheduler.run, timeZone: config.businessTimeZone, periodsFrom: config.scheduler.periodsFrom, checkIntervalMs: config.scheduler.checkIntervalMs }),
    AppraisalModule,
    BulletinsModule,
    ComplianceModule,
    CreditModule.forRoot({ dataDir: config.dataDir }),
    AuditModule,
    // the hash chain lives in the PostgreSQL store's es_events (migration 1763800000009)
    ...(config.eventStore === 'postgres'
      ? [ChainModule.forRoot({ run: config.runProjections, dataDir: config.dataDir, ...config.chain })]
      : []),
  ];
}
export const CONTEXT_PROJECTIONS: AnyProjection[] = [orgTreeProjection, orgDirectoryProjection, reviewCoverageProjection, policiesProjection, reportingProjection, schedulerProjection, rewardsProjection, payoutsProjection, incidentsProjection, notificationsProjection, incidentRemindersReactor, appraisalsProjection, bulletinsProjection, complianceProjection, creditProjection, creditUploadsReactor];
