// Audit, replay and personal data (issue 12)
export { AuditModule } from './audit.module';
export { AGGREGATE_KINDS, AGGREGATE_KIND_NAMES, AuditHistoryService, CORRELATION_LIMIT, toAuditEvent } from './history';
export type { AggregateKindName } from './history';
// The hash chain, signed checkpoints and audit bundles (item 3)
export { ChainModule } from './chain/chain.module';
export { ChainService, ChainBroken } from './chain/chain.service';
export type { Checkpoint, VerifyReport, ChainOptions } from './chain/chain.service';
export { writeAuditBundle } from './chain/audit-bundle';
export type { ChainBreak, ChainBreakKind } from './chain/chain-walk';
export { linkHash, sha256Hex, checkpointPayload, parseCheckpointPayload, GENESIS_HASH } from './chain/chain-format';
// As-of reports (item 2) and personal data (item 5)
export { AsOfReports, AS_OF_REPORTS } from './as-of/as-of-reports';
export type { AsOfReport, AsOfAnswer, AsOfParameters } from './as-of/as-of-reports';
export { PersonalDataService } from './personal-data/personal-data.service';
