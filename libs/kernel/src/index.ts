export * from './decider';
export * from './errors';
export * from './clock';
export * from './ids';
export * from './command';
export * from './problems';
export * from './time-facts';
export * from './canonical-json';
