export * from './config';
export * from './embedded-postgres';
export * from './migrations';
export * from './database.module';
export * from './http';
export * from './observability';
