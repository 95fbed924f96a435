export * from './table';
export * from './table-buffer';
export * from './batch-writer';
export * from './table-check';
export * from './mapping';
export * from './batch-equivalence';
