export * from './organization.module';
export { orgTreeProjection } from './read/org-tree/org-tree.projection';
export * from './domain/unit.events';
export { unitDecider, unitStream } from './domain/unit.decider';
