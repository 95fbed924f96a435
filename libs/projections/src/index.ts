export * from './projection';
export * from './projection-runtime';
export * from './projection-status';
export * from './dead-letters';
export * from './wait-for-projections';
export { quoteIdent, tableNamer } from './builds';
export type { BuildRow, BuildState } from './builds';
export { isTransientError } from './transient-errors';
export * from './projections.module';
