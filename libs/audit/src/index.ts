// Audit, replay and personal data (issue 12)
export { AuditModule } from './audit.module';
