export * from './problem-details.filter';
export * from './validation';
export * from './command-context';
export * from './openapi';
