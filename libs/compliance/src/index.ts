// Compliance per unit and period (issue 11 item 4)
export { ComplianceModule } from './compliance.module';
export { complianceProjection, COMPLIANCE_TABLES, COMPLIANCE_TIME_ZONE } from './read/compliance.projection';
export { ComplianceQueries, checkPeriodKey, COMPLIANCE_PERIODS } from './read/compliance.queries';
export type { CompliancePeriod, IncidentOutcome, LateItem, PenaltyLine, QuotaOutcome, UnitCompliance } from './read/compliance-report';
export { periodBounds, periodKeyOf, unitCompliance, periodCompliance, gradeOf } from './domain/compliance-compute';
export { periodDates } from './appraisal/appraisal-periods';
// Individual appraisal (item 5) and bulletins (item 6)
export { AppraisalModule, appraisalsProjection } from './appraisal';
export { BulletinsModule, bulletinsProjection, BulletinsService, bulletinDecider, bulletinStream, issueBulletinCommand } from './bulletins';
export { seedDemoBulletin } from './seed/demo-bulletin.seed';
