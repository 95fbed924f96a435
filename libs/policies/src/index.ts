export * from './domain/policy-document';
export * from './domain/policy.schema';
export * from './domain/validate-policy';
export * from './domain/calendar';
export * from './domain/compile-policy';
export * from './domain/policy.decider';
export * from './domain/diff-policies';
export * from './domain/policy-set';
