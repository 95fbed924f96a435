export { AGGREGATE_KINDS, AGGREGATE_KIND_NAMES, aggregateKind } from './aggregate-kinds';
export type { AggregateKind, AggregateKindName } from './aggregate-kinds';
export { AuditHistoryService, CORRELATION_LIMIT, toAuditEvent } from './audit-history.service';
export { AuditHistoryHttpController } from './audit-history.http.controller';
export { decodeLogCursor, encodeLogCursor } from './log-cursor';
