export * from './problem-details.filter';
export * from './validation';
export * from './command-context';
export * from './openapi';
export * from './request-fingerprint';
export * from './idempotency-keys';
export * from './input-guard';
export * from './request-body';
