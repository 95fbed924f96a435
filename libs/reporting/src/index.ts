export * from './reporting.module';
export { reportingProjection } from './read/drafts/drafts.projection';
export * from './domain/draft.types';
export * from './domain/draft.events';
export * from './domain/reporting-policy.port';
export { draftDecider, draftStream } from './domain/draft.decider';
export { commissionDecider, commissionStream } from './domain/commission.decider';
export { PolicyEngineReportingPolicy } from './policy/policy-engine.adapter';
