export * from './projection';
export * from './projection-runtime';
export * from './projection-status';
export * from './dead-letters';
export * from './wait-for-projections';
export { quoteIdent } from './builds';
export * from './projections.module';
export * from './bulk';
