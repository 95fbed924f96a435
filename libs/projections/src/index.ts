export * from './projection';
export * from './projection-runtime';
export * from './projection-status';
export * from './dead-letters';
export * from './wait-for-projections';
export { quoteIdent } from './builds';
export * from './projections.module';
export { EffectDispatcher, type EffectDispatcherOptions } from './effects/effect-dispatcher';
export { listEffects, retryEffect, type Effect, type EffectStatus, type ListEffectsFilter } from './effects/effects';
