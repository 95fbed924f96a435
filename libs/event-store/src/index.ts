export * from './event-store.port';
export * from './upcasting';
export * from './upcasting-event-store';
export * from './handle-command';
export * from './postgres/postgres-event-store';
export * from './event-store.module';
export * from './command-runner';
export * from './run-decider.command';
