export * from './example-policies';
