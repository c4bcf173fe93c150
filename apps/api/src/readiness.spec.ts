import { createReadinessProbe, postgresPrimaryCheck, redisMasterCheck, type RedisPingable } from './readiness';

const primary = { query: async () => ({ rows: [{ in_recovery: false }] }) };

function fakeRedis(overrides: Partial<RedisPingable> = {}): RedisPingable {
  return { status: 'ready', ping: async () => 'PONG', role: async () => ['master', 123, []], ...overrides };
}

describe('readiness', () => {
  const pgTarget = 'router-1:5432/paws360';

  it('is ready when PostgreSQL is a primary and the Redis master answers', async () => {
    const probe = createReadinessProbe([postgresPrimaryCheck(primary, pgTarget), redisMasterCheck(fakeRedis(), 'mymaster', () => undefined)]);
    expect(await probe()).toEqual({ ready: true, checks: { postgres: { status: 'ok' }, redis: { status: 'ok' } } });
  });

  it('fails postgres when PGHOST leads to a replica', async () => {
    const replica = { query: async () => ({ rows: [{ in_recovery: true }] }) };
    const report = await createReadinessProbe([postgresPrimaryCheck(replica, pgTarget)])();
    expect(report).toEqual({
      ready: false,
      checks: { postgres: { status: 'fail', error: 'router-1:5432/paws360 is a replica (pg_is_in_recovery() = true), not the primary' } },
    });
  });

  it('fails postgres with the connection error when it cannot be reached', async () => {
    const down = {
      query: async () => {
        throw Object.assign(new Error('connect ECONNREFUSED 172.18.0.4:5432'), { code: 'ECONNREFUSED' });
      },
    };
    const report = await createReadinessProbe([postgresPrimaryCheck(down, pgTarget), redisMasterCheck(fakeRedis(), 'mymaster', () => undefined)])();
    expect(report.ready).toBe(false);
    expect(report.checks.postgres).toEqual({ status: 'fail', error: 'connect ECONNREFUSED 172.18.0.4:5432' });
    expect(report.checks.redis).toEqual({ status: 'ok' });
  });

  it('fails redis while not connected, with the last connection error', async () => {
    const check = redisMasterCheck(fakeRedis({ status: 'reconnecting' }), 'mymaster', () => 'All sentinels are unreachable.');
    expect((await createReadinessProbe([check])()).checks.redis).toEqual({
      status: 'fail',
      error: 'not connected to the master "mymaster" (client status: reconnecting); last error: All sentinels are unreachable.',
    });
  });

  it('fails redis when PING fails or the server is no longer the master', async () => {
    const pingFails = redisMasterCheck(
      fakeRedis({
        ping: async () => {
          throw new Error('Command timed out');
        },
      }),
      'mymaster',
      () => undefined,
    );
    expect((await createReadinessProbe([pingFails])()).checks.redis).toEqual({ status: 'fail', error: 'Command timed out' });

    const demoted = redisMasterCheck(fakeRedis({ role: async () => ['slave', 'redis-2', 6379, 'connected', 10] }), 'mymaster', () => undefined);
    expect((await createReadinessProbe([demoted])()).checks.redis).toEqual({
      status: 'fail',
      error: 'connected server is a slave, not the master "mymaster"',
    });
  });

  it('bounds a hanging check by the timeout', async () => {
    const hanging = { query: () => new Promise<never>(() => undefined) };
    const started = Date.now();
    const report = await createReadinessProbe([postgresPrimaryCheck(hanging, pgTarget)], 50)();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(report.checks.postgres).toEqual({ status: 'fail', error: 'postgres check timed out after 50 ms' });
  });
});
