export * from './domain/incident.events';
export * from './domain/incident.decider';
export * from './read/incident-view';
export { incidentsProjection } from './read/incidents.projection';
export { IncidentsModule } from './incidents.module';
export { seedDemoIncidents } from './seed/demo-incidents.seed';
export type { DemoIncidentsPorts, DemoIncidentsSummary } from './seed/demo-incidents.seed';
