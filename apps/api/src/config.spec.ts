import { ConfigError, describeConfig, loadConfig } from './config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the documented defaults (the production topology)', () => {
    expect(loadConfig({})).toEqual({
      port: 8080,
      host: '0.0.0.0',
      logLevel: 'info',
      pg: { host: 'router-1', port: 5432, database: 'paws360', user: 'postgres', password: '' },
      redis: {
        sentinels: [
          { host: 'sentinel-1', port: 26379 },
          { host: 'sentinel-2', port: 26379 },
          { host: 'sentinel-3', port: 26379 },
        ],
        masterName: 'mymaster',
        password: '',
      },
      cacheTtlSeconds: 60,
      startupTimeoutSeconds: 60,
      envKeys: [],
    });
  });

  it('reads every variable', () => {
    const c = loadConfig({
      PORT: '8080',
      PGHOST: 'db.internal',
      PGPORT: '6432',
      PGDATABASE: 'sis',
      PGUSER: 'api',
      PGPASSWORD: 'pw',
      REDIS_SENTINELS: ' s1:5000, s2 ',
      REDIS_MASTER_NAME: 'cache',
      REDIS_PASSWORD: 'rpw',
      CACHE_TTL_SECONDS: '5',
      STARTUP_TIMEOUT_SECONDS: '2',
    });
    expect(c.port).toBe(8080);
    expect(c.pg).toEqual({ host: 'db.internal', port: 6432, database: 'sis', user: 'api', password: 'pw' });
    expect(c.redis).toEqual({
      sentinels: [
        { host: 's1', port: 5000 },
        { host: 's2', port: 26379 },
      ],
      masterName: 'cache',
      password: 'rpw',
    });
    expect(c.cacheTtlSeconds).toBe(5);
    expect(c.startupTimeoutSeconds).toBe(2);
    expect(c.envKeys).toEqual([
      'PORT',
      'PGHOST',
      'PGPORT',
      'PGDATABASE',
      'PGUSER',
      'PGPASSWORD',
      'REDIS_SENTINELS',
      'REDIS_MASTER_NAME',
      'REDIS_PASSWORD',
      'CACHE_TTL_SECONDS',
      'STARTUP_TIMEOUT_SECONDS',
    ]);
  });

  it('lists only the names of the variables it knows and that are set, for /actuator/info', () => {
    expect(loadConfig({ HOME: '/root', PGHOST: 'db', PGPORT: '', LOG_LEVEL: 'debug' }).envKeys).toEqual(['LOG_LEVEL', 'PGHOST']);
  });

  it('reads REDIS_NAT_MAP into ioredis natMap form', () => {
    const c = loadConfig({ REDIS_NAT_MAP: 'redis-1:6379=127.0.0.1:6379, redis-2:6379=127.0.0.1:6380,' });
    expect(c.redis.natMap).toEqual({ 'redis-1:6379': { host: '127.0.0.1', port: 6379 }, 'redis-2:6379': { host: '127.0.0.1', port: 6380 } });
    expect(loadConfig({}).redis.natMap).toBeUndefined();
    expect(problemsOf({ REDIS_NAT_MAP: 'redis-1:6379=127.0.0.1' })).toEqual([
      'REDIS_NAT_MAP: "redis-1:6379=127.0.0.1" is not host:port=host:port (e.g. redis-1:6379=127.0.0.1:6379)',
    ]);
    expect(problemsOf({ REDIS_NAT_MAP: 'redis-1:6379=127.0.0.1:70000' })[0]).toMatch(/^REDIS_NAT_MAP: /);
    expect(describeConfig(c).redisNatMap).toBe('redis-1:6379=127.0.0.1:6379,redis-2:6379=127.0.0.1:6380');
  });

  it('takes the PostgreSQL password from POSTGRES_SUPERUSER_PASSWORD when PGPASSWORD is unset or empty', () => {
    expect(loadConfig({ POSTGRES_SUPERUSER_PASSWORD: 'super' }).pg.password).toBe('super');
    expect(loadConfig({ PGPASSWORD: '', POSTGRES_SUPERUSER_PASSWORD: 'super' }).pg.password).toBe('super');
    expect(loadConfig({ PGPASSWORD: 'own', POSTGRES_SUPERUSER_PASSWORD: 'super' }).pg.password).toBe('own');
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', PGHOST: '  ', CACHE_TTL_SECONDS: '' })).toMatchObject({ port: 8080, pg: { host: 'router-1' }, cacheTtlSeconds: 60 });
  });

  it('names each invalid variable, all at once', () => {
    expect(problemsOf({ PORT: 'http', LOG_LEVEL: 'loud', PGPORT: '70000', CACHE_TTL_SECONDS: '0', STARTUP_TIMEOUT_SECONDS: '1.5' })).toEqual([
      'PORT: must be a whole number between 1 and 65535',
      'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace',
      'PGPORT: must be at most 65535',
      'CACHE_TTL_SECONDS: must be at least 1',
      'STARTUP_TIMEOUT_SECONDS: must be a whole number between 1 and 3600',
    ]);
  });

  it('rejects malformed sentinel lists and host names', () => {
    expect(problemsOf({ REDIS_SENTINELS: 'sentinel-1:26379,sentinel-2:port' })).toEqual([
      'REDIS_SENTINELS: "sentinel-2:port" is not host[:port] (e.g. sentinel-1:26379)',
    ]);
    expect(problemsOf({ REDIS_SENTINELS: ',,' })).toEqual(['REDIS_SENTINELS: must list at least one host[:port], comma-separated']);
    expect(problemsOf({ PGHOST: 'router 1' })[0]).toMatch(/^PGHOST: must be a host name/);
  });

  it('has a message that lists every problem and never echoes values', () => {
    try {
      loadConfig({ PGPORT: 'secret-ish', REDIS_MASTER_NAME: 'bad name!' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect((err as Error).message).toBe(
        'invalid configuration:\n  - PGPORT: must be a whole number between 1 and 65535\n  - REDIS_MASTER_NAME: must be a Sentinel master name',
      );
    }
  });

  it('describes the configuration without its secrets', () => {
    const described = JSON.stringify(describeConfig(loadConfig({ PGPASSWORD: 'hunter2', REDIS_PASSWORD: 'swordfish' })));
    expect(described).not.toMatch(/hunter2|swordfish/);
    expect(described).toContain('"postgresPassword":"set"');
  });
});
