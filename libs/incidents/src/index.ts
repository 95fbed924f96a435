export * from './domain/incident.events';
export * from './domain/incident.decider';
export * from './read/incident-view';
export { incidentsProjection } from './read/incidents.projection';
export { IncidentsModule } from './incidents.module';
