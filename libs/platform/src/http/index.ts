export * from './problem-details.filter';
export * from './validation';
export * from './command-context';
export * from './input-guard';
export * from './request-body';
