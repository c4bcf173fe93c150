// Specs hand executors their own runtime, so the real one is never made: keep
// dockerode (slow to load) out of this suite.
jest.mock('../../runtime/dockerode-runtime', () => ({ DockerodeRuntime: jest.fn() }));

import { TestWorkspace, serviceJson, testDeps } from '../../testing/executor-context';
import { FakeRuntime } from '../../testing/fake-runtime';
import type { monitorRedis } from '../../kinds/redis/operations';
import monitorExecutor, { formatCommand } from './executor';

const redis = serviceJson({ kind: 'redis', replicas: 1, ports: [{ name: 'redis', container: 6379, host: 6379 }], volumes: [] });

describe('monitor executor', () => {
  let ws: TestWorkspace;
  beforeEach(() => (ws = TestWorkspace.create({ redis: { config: redis } })));
  afterEach(() => ws.dispose());

  it('formats a command as time, member, database, client and quoted arguments', () => {
    expect(formatCommand({ time: 1_700_000_000.25, member: 'paws360-redis-1', client: '172.18.0.9:40112', db: 0, args: ['SET', 'student:1', '{"name":"Ada Lovelace"}'] })).toBe(
      '22:13:20.250 paws360-redis-1 db0 172.18.0.9:40112      SET student:1 "{\\"name\\":\\"Ada Lovelace\\"}"',
    );
  });

  it('prints each command (--json: one object a line), notices on stderr, and stops after --seconds', async () => {
    const fake: typeof monitorRedis = async (_ctx, onCommand, onNotice, signal) => {
      onNotice('monitoring paws360-redis-1');
      onCommand({ time: 1, member: 'paws360-redis-1', client: 'c', db: 0, args: ['GET', 'k'] });
      onCommand({ time: 2, member: 'paws360-redis-1', client: 's', db: 0, args: ['PUBLISH', '__sentinel__:hello', 'sentinel-2,26379'] });
      onCommand({ time: 3, member: 'paws360-redis-1', client: 's', db: 0, args: ['PING'] });
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    };
    const { deps, logs, errors } = testDeps(new FakeRuntime());
    const started = Date.now();
    expect(await monitorExecutor({ json: true, seconds: 0.05 }, ws.context('redis', 'monitor'), deps, fake)).toEqual({ success: true });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(logs.map((l) => JSON.parse(l))).toEqual([{ time: 1, member: 'paws360-redis-1', client: 'c', db: 0, args: ['GET', 'k'] }]);
    expect(errors).toEqual(['monitoring paws360-redis-1']);
    // --all keeps the Sentinels' housekeeping too.
    const everything = testDeps(new FakeRuntime());
    await monitorExecutor({ all: true, seconds: 0.05 }, ws.context('redis', 'monitor'), everything.deps, fake);
    expect(everything.logs).toHaveLength(3);
  });
});
