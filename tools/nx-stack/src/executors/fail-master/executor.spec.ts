// Specs hand executors their own runtime, so the real one is never made.
jest.mock('../../runtime/dockerode-runtime', () => ({ DockerodeRuntime: jest.fn() }));

import { EventEmitter } from 'node:events';
import type { ServiceDefinition } from '../../core/service-config';
import type { ComponentHealth, ProbeContext, ServiceProbe } from '../../kinds/kind';
import { absentMember } from '../../kinds/members';
import { ensureSecrets } from '../../core/secrets';
import { TestWorkspace, serviceJson, testDeps } from '../../testing/executor-context';
import { FakeRuntime } from '../../testing/fake-runtime';
import upExecutor from '../up/executor';
import failMasterExecutor, { failMasterOptions } from './executor';
import type { FailMasterIo, WriterConfig } from '../../simulation/redis-writer';
import type { FailMasterHarness } from '../../simulation/scenarios/fail-master';
import type { AckedWrite, FailedWrite } from '../../simulation/traffic';

const env = { PAWS360_PORT_OFFSET: '31000' };
const redisJson = serviceJson({
  description: 'redis',
  kind: 'redis',
  secrets: ['REDIS_PASSWORD'],
  ports: [{ name: 'redis', container: 6379, host: 6379 }],
  volumes: [{ name: 'data', target: '/var/lib/redis' }],
});
const sentinelJson = serviceJson({
  description: 'sentinel',
  kind: 'sentinel',
  dependsOn: ['redis'],
  secrets: ['REDIS_PASSWORD'],
  ports: [{ name: 'sentinel', container: 26379, host: 26379 }],
  volumes: [{ name: 'data', target: '/var/lib/redis-sentinel' }],
});

/** Who is master right now (member number), as the imitation Redis and Sentinels see it. */
interface World {
  master: number;
  /** Sentinels promote a replica once the master's container is down. */
  promote: boolean;
  /** Sentinels unreachable after the kill. */
  sentinelsFail: boolean;
  /** The new master misses the first acknowledged key. */
  loseOne: boolean;
}

const running = (runtime: FakeRuntime, name: string) => runtime.containerNames().includes(name) && runtime.container(name).state === 'running';

/** Redis: the world's master leads, the others replicate it; Sentinel: healthy while running. */
const worldProbe = (world: World) => (service: ServiceDefinition): ServiceProbe => ({
  async health(ctx: ProbeContext): Promise<ComponentHealth[]> {
    return ctx.members.map((view) => {
      const absent = absentMember(view);
      if (absent) return absent;
      if (service.config.kind === 'sentinel') return { name: view.containerName, status: 'healthy', role: 'sentinel', detail: 'ok' };
      const role = view.member === world.master ? 'master' : 'replica';
      return { name: view.containerName, status: 'healthy', role, detail: `${role} ok` };
    });
  },
  inspect: () => Promise.reject(new Error('not used')),
});

function fakeIo(runtime: FakeRuntime, world: World) {
  const io = {
    writerConfig: undefined as WriterConfig | undefined,
    writerStopped: false,
    deleted: [] as string[],
    polls: 0,
    startWriter(config: WriterConfig) {
      io.writerConfig = config;
      const acked: AckedWrite[] = [];
      const failed: FailedWrite[] = [];
      let n = 0;
      const timer = setInterval(() => {
        const key = `${config.keyPrefix}${n}`;
        const at = config.now();
        if (running(runtime, `paws360-redis-${world.master}`)) acked.push({ n, key, sentAt: at, ackedAt: at });
        else failed.push({ n, key, sentAt: at, failedAt: at, message: 'Connection is closed.' });
        n += 1;
      }, 2);
      return {
        acked,
        failed,
        attempts: () => n,
        async stop() {
          clearInterval(timer);
          io.writerStopped = true;
        },
      };
    },
    async masterAddresses(ports: number[]) {
      io.polls += 1;
      const down = !running(runtime, `paws360-redis-${world.master}`);
      if (down && world.sentinelsFail) throw new Error('all Sentinels unreachable');
      if (down && world.promote) world.master = world.master === 1 ? 2 : 1;
      return ports.map(() => `redis-${world.master}:6379`);
    },
    async missingWrites(_port: number, _password: string, writes: Array<{ key: string }>) {
      return world.loseOne ? [writes[0].key] : [];
    },
    async deleteKeys(_port: number, _password: string, keys: string[]) {
      io.deleted.push(...keys);
    },
  };
  return io satisfies FailMasterIo;
}

describe('fail-master executor', () => {
  let ws: TestWorkspace;
  let runtime: FakeRuntime;
  let world: World;
  let io: ReturnType<typeof fakeIo>;
  let harness: FailMasterHarness;

  beforeEach(async () => {
    ws = TestWorkspace.create({ redis: { config: redisJson }, sentinel: { config: sentinelJson } });
    runtime = new FakeRuntime();
    world = { master: 1, promote: true, sentinelsFail: false, loseOne: false };
    // Up with the world's probe: Redis and Sentinel roles as up's readiness gates expect them.
    for (const service of ['redis', 'sentinel']) {
      const up = await upExecutor({}, ws.context(service), testDeps(runtime, { probe: worldProbe(world), env }).deps);
      expect(up).toEqual({ success: true });
    }
    runtime.resetCalls();
    io = fakeIo(runtime, world);
    harness = { io, writeBeforeMs: 20, writeAfterMs: 20, pollMs: 5 };
  });
  afterEach(() => ws.dispose());

  const run = (options: Record<string, unknown> = { json: true, timeoutSeconds: 5 }) => {
    const test = testDeps(runtime, { probe: worldProbe(world), env });
    return { ...test, result: failMasterExecutor(options, ws.context('redis', 'fail-master'), test.deps, harness) };
  };
  const report = (logs: string[]) => JSON.parse(logs[logs.length - 1]);
  const check = (logs: string[], name: string) => report(logs).checks.find((c: { name: string }) => c.name.startsWith(name));

  it('refuses to start when redis is unhealthy: names the member, says to restore, stops nothing', async () => {
    await runtime.stopContainer(runtime.container('paws360-redis-3').id, 0);
    runtime.resetCalls();
    const { result, errors } = run();
    expect(await result).toEqual({ success: false });
    expect(errors.join('\n')).toContain('redis is not healthy before the fail-master simulation; run npx nx run stack:restore first.');
    expect(errors.join('\n')).toContain('paws360-redis-3: container not running (exited)');
    expect(runtime.callsTo('killContainer')).toEqual([]);
    expect(io.writerConfig).toBeUndefined();
  });

  it('refuses to start when the Sentinels are unhealthy', async () => {
    await runtime.stopContainer(runtime.container('paws360-sentinel-2').id, 0);
    const { result, errors } = run();
    expect(await result).toEqual({ success: false });
    expect(errors.join('\n')).toContain('sentinel is not healthy before the fail-master simulation; run npx nx run stack:restore first.');
    expect(runtime.callsTo('killContainer')).toEqual([]);
  });

  it('refuses when the Sentinels name another master than Redis reports', async () => {
    io.masterAddresses = async (ports) => ports.map(() => 'redis-3:6379');
    const { result, errors } = run();
    expect(await result).toEqual({ success: false });
    expect(errors.join('\n')).toContain('the Sentinels name redis-3:6379, redis-3:6379, redis-3:6379 as master, but redis reports redis-1:6379');
    expect(runtime.callsTo('killContainer')).toEqual([]);
  });

  it('kills the master, measures the failover, finds every acknowledged write and the old master back as a replica', async () => {
    const { result, logs } = run();
    expect(await result).toEqual({ success: true });
    const master = runtime.container('paws360-redis-1');
    expect(runtime.callsTo('killContainer')).toEqual([[master.id, 'SIGKILL']]);
    expect(runtime.callsTo('startContainer')).toEqual([[master.id]]);
    expect(master.state).toBe('running');

    const json = report(logs);
    expect(json).toMatchObject({ scenario: 'fail-master', service: 'redis', passed: true });
    expect(json.measurements).toMatchObject({ newMaster: 'redis-2:6379', lostWrites: 0 });
    for (const m of ['promotionSeconds', 'writeGapSeconds', 'rejoinSeconds', 'writesAcked', 'writesAttempted']) {
      expect([m, typeof json.measurements[m]]).toEqual([m, 'number']);
    }
    expect(json.checks.map((c: { name: string; ok: boolean }) => [c.name, c.ok])).toEqual([
      ['the Sentinels promote a replica', true],
      ['writes are acknowledged again', true],
      ['no acknowledged write lost', true],
      ['paws360-redis-1 rejoins as a replica', true],
    ]);
    const times = json.timeline.map((e: { atMs: number }) => e.atMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(io.writerStopped).toBe(true);
    expect(io.deleted).toHaveLength(json.measurements.writesAcked);
    // Log markers went to every Redis and Sentinel container.
    expect(runtime.callsTo('exec').length).toBe(12);
  });

  it('the writer goes through the Sentinels on their host ports, with announced names mapped to host ports', async () => {
    const { result } = run();
    await result;
    const password = ensureSecrets(ws.root, 'paws360', ['REDIS_PASSWORD']).REDIS_PASSWORD;
    expect(io.writerConfig).toMatchObject({
      sentinels: [57379, 57380, 57381].map((port) => ({ host: '127.0.0.1', port })),
      masterName: 'mymaster',
      password,
      waitMs: 500,
      intervalMs: 10,
      natMap: {
        'redis-1:6379': { host: '127.0.0.1', port: 37379 },
        'redis-3:6379': { host: '127.0.0.1', port: 37381 },
        'sentinel-2:26379': { host: '127.0.0.1', port: 57380 },
      },
    });
    expect(io.writerConfig!.keyPrefix).toMatch(/^paws360:simulation:fail-master:[a-z0-9]+:$/);
  });

  it('a lost acknowledged write fails the run (success: false) and names the key', async () => {
    world.loseOne = true;
    const { result, logs } = run();
    expect(await result).toEqual({ success: false });
    expect(report(logs).measurements.lostWrites).toBe(1);
    expect(check(logs, 'no acknowledged write lost')).toMatchObject({ ok: false });
    expect(check(logs, 'no acknowledged write lost').detail).toMatch(/^1 of \d+ acknowledged writes missing \(first: paws360:simulation:fail-master:[a-z0-9]+:0\)$/);
    expect(runtime.container('paws360-redis-1').state).toBe('running');
  });

  it('no promotion within the timeout: the checks fail, the old master is started again', async () => {
    world.promote = false;
    const { result, logs } = run({ json: true, timeoutSeconds: 0.3 });
    expect(await result).toEqual({ success: false });
    expect(check(logs, 'the Sentinels promote a replica')).toMatchObject({ ok: false, detail: 'none within 0.3s' });
    expect(check(logs, 'writes are acknowledged again')).toMatchObject({ ok: false });
    // Back as master, not as a replica: that check fails too.
    expect(check(logs, 'paws360-redis-1 rejoins as a replica')).toMatchObject({ ok: false });
    expect(runtime.container('paws360-redis-1').state).toBe('running');
  });

  it('an error after the kill still starts the old master again (finally) and stops the writer', async () => {
    world.sentinelsFail = true;
    const { result, errors } = run();
    expect(await result).toEqual({ success: false });
    expect(errors.join('\n')).toContain('all Sentinels unreachable');
    const master = runtime.container('paws360-redis-1');
    expect(runtime.callsTo('killContainer')).toEqual([[master.id, 'SIGKILL']]);
    expect(runtime.callsTo('startContainer')).toEqual([[master.id]]);
    expect(master.state).toBe('running');
    expect(io.writerStopped).toBe(true);
  });

  it('interrupted by SIGINT once the master is killed: starts it again, stops the writer, prints no report and fails', async () => {
    // No promotion in this world: without the restore the old master would stay down.
    world.promote = false;
    const signals = (harness.signals = new EventEmitter());
    const kill = runtime.killContainer.bind(runtime);
    runtime.killContainer = async (id, signal) => {
      await kill(id, signal);
      setImmediate(() => signals.emit('SIGINT'));
    };
    const { result, logs, errors } = run({ json: true, timeoutSeconds: 60 });
    expect(await result).toEqual({ success: false });
    expect(logs).toEqual([]);
    expect(errors).toEqual([
      'fail-master: SIGINT: stopping, and restoring what the simulation broke first…',
      'fail-master interrupted by SIGINT: paws360-redis-1 restored: started; check it with npx nx run redis:health',
    ]);
    const master = runtime.container('paws360-redis-1');
    expect(runtime.callsTo('killContainer')).toEqual([[master.id, 'SIGKILL']]);
    expect(runtime.callsTo('startContainer')).toEqual([[master.id]]);
    expect(master.state).toBe('running');
    expect(io.writerStopped).toBe(true);
    expect(signals.listenerCount('SIGINT')).toBe(0);
  });

  it('prints a readable report without --json', async () => {
    const { result, logs } = run({ timeoutSeconds: 5 });
    expect(await result).toEqual({ success: true });
    const text = logs[logs.length - 1];
    expect(text).toContain('master paws360-redis-1 hard-stopped (SIGKILL)');
    expect(text).toContain('promotionSeconds');
    expect(text).toContain('redis fail-master: PASSED (4/4 checks)');
  });

  it('needs a sentinel service in the workspace', async () => {
    delete ws.projects.sentinel;
    const { result, errors } = run();
    expect(await result).toEqual({ success: false });
    expect(errors.join('\n')).toContain('the workspace has no service of kind sentinel');
  });

  it('options are validated', () => {
    expect(failMasterOptions.parse({})).toEqual({ timeoutSeconds: 90, writeIntervalMs: 10, json: false });
    expect(failMasterOptions.safeParse({ writeIntervalMs: -1 }).success).toBe(false);
    expect(failMasterOptions.safeParse({ member: 2 }).success).toBe(false);
  });
});
