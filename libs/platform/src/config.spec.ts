import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('has working defaults with no configuration (embedded PostgreSQL, port 3000)', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, databaseUrl: undefined, eventStore: 'postgres', logLevel: 'info', runProjections: true });
    expect(config.dataDir).toMatch(/data$/);
  });
  it.each([
    ['PORT', 'eighty', /PORT/],
    ['PORT', '70000', /PORT/],
    ['DATABASE_URL', 'not a url', /DATABASE_URL/],
    ['DATABASE_URL', 'mysql://x@y/z', /DATABASE_URL.*postgres/],
    ['EVENT_STORE', 'kafka', /EVENT_STORE/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL/],
    ['RUN_PROJECTIONS', 'maybe', /RUN_PROJECTIONS/],
    ['EVENTSTORE_CONNECTION_STRING', 'http://x', /EVENTSTORE_CONNECTION_STRING/],
    ['BUSINESS_TIME_ZONE', 'Mars/Olympus_Mons', /BUSINESS_TIME_ZONE.*IANA/],
    ['BUSINESS_TIME_ZONE', '+08:00', /BUSINESS_TIME_ZONE.*IANA/],
    ['BUSINESS_TIME_ZONE', 'CST', /BUSINESS_TIME_ZONE.*IANA/],
  ])('a bad %s (%s) stops start-up naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });
  it('BUSINESS_TIME_ZONE is an IANA zone, Asia/Shanghai by default', () => {
    expect(loadConfig({}).businessTimeZone).toBe('Asia/Shanghai');
    expect(loadConfig({ BUSINESS_TIME_ZONE: 'Asia/Urumqi' }).businessTimeZone).toBe('Asia/Urumqi');
    expect(loadConfig({ BUSINESS_TIME_ZONE: 'UTC' }).businessTimeZone).toBe('UTC');
  });
  it('EVENT_STORE=esdb needs a connection string', () => {
    expect(() => loadConfig({ EVENT_STORE: 'esdb' })).toThrow(/EVENTSTORE_CONNECTION_STRING/);
    expect(loadConfig({ EVENT_STORE: 'esdb', EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false' }).eventStore).toBe('esdb');
  });
});
