export { BulletinsModule } from './bulletins.module';
export { bulletinsProjection } from './bulletins.projection';
export { BULLETIN_COMPLIANCE, BulletinsService } from './bulletins.service';
export type { ComplianceRowsSource } from './bulletins.service';
export { bulletinDecider, bulletinStream } from './bulletin.decider';
export type { BulletinEvent, BulletinIssued } from './bulletin.decider';
export { buildBulletin, bulletinChecksum, periodName } from './bulletin-content';
export type { BulletinContent, BulletinUnitRow } from './bulletin-content';
export { bulletinHtml, escapeHtml } from './bulletin-render';
