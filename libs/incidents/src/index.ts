export * from './domain/incident.events';
