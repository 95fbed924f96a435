export * from './command-observer';
export * from './correlation';
export * from './metrics';
export * from './observability.module';
