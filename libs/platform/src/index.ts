export * from './config';
export * from './embedded-postgres';
export * from './migrations';
