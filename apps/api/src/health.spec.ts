import { createHealthProbe, postgresPrimaryCheck, redisMasterCheck, type RedisPingable } from './health';

const version = 'PostgreSQL 15.10 (Debian 15.10-0+deb12u1) on x86_64-pc-linux-gnu, compiled by gcc';
const primary = { query: async () => ({ rows: [{ in_recovery: false, version }] }) };

function fakeRedis(overrides: Partial<RedisPingable> = {}): RedisPingable {
  return {
    status: 'ready',
    ping: async () => 'PONG',
    role: async () => ['master', 123, []],
    stream: { remoteAddress: '172.18.0.5', remotePort: 6379 },
    ...overrides,
  };
}

describe('/actuator/health checks', () => {
  const pgTarget = 'router-1:5432/paws360';

  it('is UP when PostgreSQL is a primary and the Redis master answers, with details', async () => {
    const probe = createHealthProbe([postgresPrimaryCheck(primary, pgTarget), redisMasterCheck(fakeRedis(), 'mymaster', () => undefined)]);
    expect(await probe()).toEqual({
      status: 'UP',
      components: {
        db: { status: 'UP', details: { database: 'PostgreSQL', version: 'PostgreSQL 15.10 (Debian 15.10-0+deb12u1)', target: pgTarget, primary: true } },
        cache: { status: 'UP', details: { cache: 'Redis', master: 'mymaster', address: '172.18.0.5:6379' } },
      },
    });
  });

  it('db is DOWN when PGHOST leads to a replica', async () => {
    const replica = { query: async () => ({ rows: [{ in_recovery: true }] }) };
    expect(await createHealthProbe([postgresPrimaryCheck(replica, pgTarget)])()).toEqual({
      status: 'DOWN',
      components: { db: { status: 'DOWN', error: 'router-1:5432/paws360 is a replica (pg_is_in_recovery() = true), not the primary' } },
    });
  });

  it('db is DOWN with the connection error when it cannot be reached; the cache stays UP', async () => {
    const down = {
      query: async () => {
        throw Object.assign(new Error('connect ECONNREFUSED 172.18.0.4:5432'), { code: 'ECONNREFUSED' });
      },
    };
    const report = await createHealthProbe([postgresPrimaryCheck(down, pgTarget), redisMasterCheck(fakeRedis(), 'mymaster', () => undefined)])();
    expect(report.status).toBe('DOWN');
    expect(report.components.db).toEqual({ status: 'DOWN', error: 'connect ECONNREFUSED 172.18.0.4:5432' });
    expect(report.components.cache.status).toBe('UP');
  });

  it('cache is DOWN while not connected, with the last connection error', async () => {
    const check = redisMasterCheck(fakeRedis({ status: 'reconnecting' }), 'mymaster', () => 'All sentinels are unreachable.');
    expect((await createHealthProbe([check])()).components.cache).toEqual({
      status: 'DOWN',
      error: 'not connected to the Redis master "mymaster" (client status: reconnecting); last error: All sentinels are unreachable.',
    });
  });

  it('cache is DOWN when PING fails or the server is no longer the master', async () => {
    const pingFails = redisMasterCheck(
      fakeRedis({
        ping: async () => {
          throw new Error('Command timed out');
        },
      }),
      'mymaster',
      () => undefined,
    );
    expect((await createHealthProbe([pingFails])()).components.cache).toEqual({ status: 'DOWN', error: 'Command timed out' });

    const demoted = redisMasterCheck(fakeRedis({ role: async () => ['slave', 'redis-2', 6379, 'connected', 10] }), 'mymaster', () => undefined);
    expect((await createHealthProbe([demoted])()).components.cache).toEqual({
      status: 'DOWN',
      error: 'connected server is a slave, not the master "mymaster"',
    });
  });

  it('bounds a hanging check by the timeout', async () => {
    const hanging = { query: () => new Promise<never>(() => undefined) };
    const started = Date.now();
    const report = await createHealthProbe([postgresPrimaryCheck(hanging, pgTarget)], 50)();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(report.components.db).toEqual({ status: 'DOWN', error: 'db check timed out after 50 ms' });
  });
});
