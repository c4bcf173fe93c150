import { StackDocker, healthyNow, jsonLine, nx, runTarget, testStackEnv, waitFor, outcome, SUCCEEDED, workspaceRoot } from '@paws360/stack-testing';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// A throwaway stack beside any developer stack: its own names, ports shifted by 23000.
const STACK = 'paws360-it-redis';
const env = testStackEnv(STACK, 23000);
const docker = new StackDocker(STACK);
const redisMember = (n: number) => `${STACK}-redis-${n}`;
const sentinelMember = (n: number) => `${STACK}-sentinel-${n}`;

interface HealthJson {
  service: string;
  healthy: boolean;
  components: Array<{ name: string; status: string; role: string; detail: string }>;
}

interface SimulationJson {
  scenario: string;
  service: string;
  passed: boolean;
  measurements: Record<string, number | string>;
  checks: Array<{ name: string; ok: boolean; detail: string }>;
  timeline: Array<{ atMs: number; event: string }>;
}

/** redis-cli inside a Redis member, authenticated with the stack's password (from the container's env, never on the command line). */
const redisCli = async (n: number, ...args: string[]) =>
  (await docker.exec(redisMember(n), ['sh', '-c', 'REDISCLI_AUTH="$REDIS_PASSWORD" exec redis-cli "$@"', 'sh', ...args])).stdout.trim();
/** redis-cli against Sentinel 1 (Sentinel has no password). */
const sentinelCli = async (...args: string[]) => (await docker.exec(sentinelMember(1), ['redis-cli', '-p', '26379', ...args])).stdout.trim();

/** redis-cli's plain output of a flat [key, value, …] reply as a map. */
const pairs = (lines: string[]) => Object.fromEntries(Array.from({ length: lines.length / 2 }, (_, i) => [lines[2 * i], lines[2 * i + 1]]));
/** SENTINEL REPLICAS / SENTINELS: one record per instance; each starts with its "name" field. */
const records = (text: string) =>
  text
    .split(/\n(?=name\n)/)
    .filter((chunk) => chunk.trim())
    .map((chunk) => pairs(chunk.split('\n')));

/** `<service>:health --json`: its executor in this process (runTarget), or through nx as a user runs it. */
async function health(service: 'redis' | 'sentinel', through: 'nx' | 'this process' = 'this process'): Promise<{ exitCode: number; json: HealthJson }> {
  const result = through === 'nx' ? await nx(env, 'run', `${service}:health`, '--json') : await runTarget(env, `${service}:health`, '--json');
  return { exitCode: result.exitCode, json: jsonLine<HealthJson>(result.output) };
}

/** The member number the Sentinels name as master. */
async function masterMember(): Promise<number> {
  const [host] = (await sentinelCli('SENTINEL', 'get-master-addr-by-name', 'mymaster')).split('\n');
  const match = /^redis-(\d+)$/.exec(host);
  if (!match) throw new Error(`the Sentinels name no Redis member as master: ${host}`);
  return Number(match[1]);
}

async function up() {
  const result = await nx(env, 'run', 'sentinel:up');
  expect({ exitCode: result.exitCode, output: result.output }).toMatchObject({ exitCode: 0 });
  return result;
}

const downAll = (...flags: string[]) => nx(env, 'run-many', '-t', 'down', ...flags, '-p', 'redis', 'sentinel');

beforeAll(async () => {
  await docker.remove();
});

afterAll(async () => {
  await docker.remove();
});

describe('redis + sentinel on a real engine', () => {
  it('sentinel:up brings up redis, then the Sentinels, both healthy', async () => {
    const result = await up();
    expect(result.output).toMatch(/redis: 3\/3 healthy/);
    expect(result.output).toMatch(/sentinel: 3\/3 healthy/);
    expect((await docker.containers('redis')).map((c) => c.name).sort()).toEqual([1, 2, 3].map(redisMember));
    expect((await docker.containers('sentinel')).map((c) => c.name).sort()).toEqual([1, 2, 3].map(sentinelMember));
  });

  it('real clients agree: Sentinel sees the master, 2 replicas, 2 other Sentinels and a quorum; INFO on the master', async () => {
    const masters = (await sentinelCli('SENTINEL', 'masters')).split('\n');
    const master = pairs(masters);
    expect(master).toMatchObject({ name: 'mymaster', ip: 'redis-1', port: '6379', flags: 'master', 'num-slaves': '2', 'num-other-sentinels': '2', quorum: '2' });

    const replicas = records(await sentinelCli('SENTINEL', 'replicas', 'mymaster'));
    expect(replicas.map((r) => r.ip).sort()).toEqual(['redis-2', 'redis-3']);
    for (const r of replicas) expect(r).toMatchObject({ flags: 'slave', 'master-link-status': 'ok', 'master-host': 'redis-1' });

    const sentinels = records(await sentinelCli('SENTINEL', 'sentinels', 'mymaster'));
    expect(sentinels.map((s) => s.ip).sort()).toEqual(['sentinel-2', 'sentinel-3']);
    for (const s of sentinels) expect(s.flags).toBe('sentinel');

    expect(await sentinelCli('SENTINEL', 'ckquorum', 'mymaster')).toBe('OK 3 usable Sentinels. Quorum and failover authorization can be reached');

    const info = await redisCli(1, 'INFO', 'replication');
    expect(info).toContain('role:master');
    expect(info).toContain('connected_slaves:2');
    expect(info).toMatch(/slave\d:ip=redis-2,port=6379,state=online/);
    expect(info).toMatch(/slave\d:ip=redis-3,port=6379,state=online/);
  });

  it('health --json: both healthy, and the plugin names the master the real clients name', async () => {
    const redis = await health('redis', 'nx');
    expect(redis.exitCode).toBe(0);
    expect(redis.json).toMatchObject({ service: 'redis', healthy: true });
    expect(redis.json.components.map((c) => [c.name, c.status, c.role])).toEqual([
      [redisMember(1), 'healthy', 'master'],
      [redisMember(2), 'healthy', 'replica'],
      [redisMember(3), 'healthy', 'replica'],
    ]);
    expect(redis.json.components[1].detail).toContain('replica of redis-1:6379 · link up');

    const sentinel = await health('sentinel', 'nx');
    expect(sentinel.exitCode).toBe(0);
    expect(sentinel.json).toMatchObject({ service: 'sentinel', healthy: true });
    for (const c of sentinel.json.components) {
      expect(c).toMatchObject({ status: 'healthy', role: 'sentinel' });
      expect(c.detail).toContain('master redis-1:6379 · 2 replicas · 2 other Sentinels · quorum 2');
    }
  });

  it('redis:fail-master --json: a replica is promoted, no acknowledged write is lost, the old master comes back as a replica', async () => {
    const result = await nx(env, 'run', 'redis:fail-master', '--json');
    const report = jsonLine<SimulationJson>(result.output);
    // Every check, so that a failure shows which one failed and why.
    expect({ exitCode: result.exitCode, passed: report.passed, failed: report.checks.filter((c) => !c.ok) }).toEqual({ exitCode: 0, passed: true, failed: [] });
    expect(report).toMatchObject({ scenario: 'fail-master', service: 'redis' });
    expect(report.measurements.lostWrites).toBe(0);
    expect(report.measurements.writesAcked).toBeGreaterThan(0);
    for (const m of ['promotionSeconds', 'writeGapSeconds', 'rejoinSeconds']) expect([m, typeof report.measurements[m]]).toEqual([m, 'number']);
    expect(report.checks.find((c) => c.name === `${redisMember(1)} rejoins as a replica`)).toMatchObject({ ok: true });

    // The real clients agree with the report.
    const newMaster = await masterMember();
    expect(`redis-${newMaster}:6379`).toBe(report.measurements.newMaster);
    expect(newMaster).not.toBe(1);
    const oldMaster = await redisCli(1, 'INFO', 'replication');
    expect(oldMaster).toContain('role:slave');
    expect(oldMaster).toContain(`master_host:redis-${newMaster}`);
    expect(oldMaster).toContain('master_link_status:up');
    expect((await health('redis')).json.components.find((c) => c.name === redisMember(1))).toMatchObject({ status: 'healthy', role: 'replica' });
    expect((await health('sentinel')).exitCode).toBe(0);
    // The markers are in the logs.
    const log = await docker.runtime.logs(await docker.id(sentinelMember(1)), { tail: 200 });
    expect(log).toContain(`fail-master: hard-stopping the master ${redisMember(1)}`);
  });

  it('down then up keeps the data; down --wipe then up starts empty', async () => {
    const master = await masterMember();
    expect(await redisCli(master, 'SET', 'paws360:it:kept', 'yes')).toBe('OK');
    expect(Number(await redisCli(master, 'WAIT', '2', '5000'))).toBe(2);

    expect(outcome(await downAll())).toEqual(SUCCEEDED);
    expect(await docker.containers('redis')).toHaveLength(0);
    expect(await docker.containers('sentinel')).toHaveLength(0);
    expect(await docker.volumes('redis')).toHaveLength(3);
    expect(await docker.volumes('sentinel')).toHaveLength(3);

    // The stack's secrets file regenerated meanwhile (deleted, another checkout's): up refuses at once instead of
    // starting members that cannot log in to each other, names the volumes, the file and the way out, creates nothing.
    const secretsPath = join(workspaceRoot, '.paws360', `${STACK}.env`);
    const secrets = readFileSync(secretsPath, 'utf8');
    writeFileSync(secretsPath, secrets.replace(/^REDIS_PASSWORD=.*$/m, 'REDIS_PASSWORD=regenerated-elsewhere'));
    const refused = await nx(env, 'run', 'sentinel:up').finally(() => writeFileSync(secretsPath, secrets));
    expect(refused.exitCode).not.toBe(0);
    expect(refused.output).toContain(
      `Cannot start redis: its volumes ${[1, 2, 3].map((n) => `${STACK}-redis-${n}-data`).join(', ')} were initialised with another REDIS_PASSWORD than .paws360/${STACK}.env holds now`,
    );
    expect(refused.output).toContain('npx nx run redis:down --wipe');
    expect(await docker.containers('redis')).toHaveLength(0);
    expect(await docker.containers('sentinel')).toHaveLength(0);

    // With the file back, up starts on the kept data.
    await up();
    // The Sentinels remember the failover, and every member has the key.
    expect(await masterMember()).toBe(master);
    for (const n of [1, 2, 3]) expect([n, await redisCli(n, 'GET', 'paws360:it:kept')]).toEqual([n, 'yes']);

    expect(outcome(await downAll('--wipe'))).toEqual(SUCCEEDED);
    expect(await docker.volumes('redis')).toHaveLength(0);
    expect(await docker.volumes('sentinel')).toHaveLength(0);
    await up();
    expect(await masterMember()).toBe(1);
    await waitFor('the stack to be healthy', () => healthyNow(env, 'redis', 'sentinel'), 60_000, 1000);
    expect(await redisCli(1, 'GET', 'paws360:it:kept')).toBe('');
  });
});

describe('stack:recover repairs what the members do not fix by themselves', () => {
  /** redis-cli against Sentinel n. */
  const sentinelOn = async (n: number, ...args: string[]) => (await docker.exec(sentinelMember(n), ['redis-cli', '-p', '26379', ...args])).stdout.trim();
  const setFailoverTimeout = (ms: number) => Promise.all([1, 2, 3].map((n) => sentinelOn(n, 'SENTINEL', 'SET', 'mymaster', 'failover-timeout', String(ms))));

  it('a Redis replica pointing at a dead master and a Sentinel with a stale view: recover says each repair, the real clients agree after', async () => {
    await up();
    await waitFor('the stack to be healthy', () => healthyNow(env, 'redis', 'sentinel'), 90_000, 1000);
    const master = await masterMember();
    const [replica, other] = [1, 2, 3].filter((n) => n !== master);
    // The Sentinels re-point a replica of the wrong master themselves once their failover-timeout (10 s) has
    // passed (+fix-slave-config): lengthened here, so that what fixes it is recover's repair, not them.
    await setFailoverTimeout(600_000);
    try {
      // A replica of a master that no longer exists (a host name that does not resolve).
      expect(await redisCli(replica, 'REPLICAOF', 'redis-gone', '6379')).toBe('OK');
      // Sentinel 3 with a stale view: it monitors the other replica as the master.
      expect(await sentinelOn(3, 'SENTINEL', 'REMOVE', 'mymaster')).toBe('OK');
      expect(await sentinelOn(3, 'SENTINEL', 'MONITOR', 'mymaster', `redis-${other}`, '6379', '2')).toBe('OK');
      await docker.exec(sentinelMember(3), ['sh', '-c', 'exec redis-cli -p 26379 SENTINEL SET mymaster auth-pass "$REDIS_PASSWORD"']);

      const brokenRedis = (await health('redis')).json.components.find((c) => c.name === redisMember(replica));
      expect(brokenRedis).toMatchObject({ status: 'unhealthy', role: 'replica' });
      expect(brokenRedis!.detail).toContain(`replicates redis-gone, but the master is redis-${master}`);
      const brokenSentinel = await health('sentinel');
      expect(brokenSentinel.exitCode).not.toBe(0);
      expect(brokenSentinel.json.components.find((c) => c.name === sentinelMember(3))!.detail).toContain(`sentinel-3: redis-${other}:6379`);

      const result = await runTarget(env, 'stack:recover', '--services=redis,sentinel', '--settleSeconds=5', '--json');
      const report = jsonLine<{ healthy: boolean; actions: Array<{ service: string; action: string }>; health: HealthJson[] }>(result.output);
      console.log(`stack:recover: ${JSON.stringify(report.actions)}`);
      expect({ exitCode: result.exitCode, healthy: report.healthy }).toEqual({ exitCode: 0, healthy: true });
      expect(report.actions).toEqual(
        expect.arrayContaining([
          { service: 'redis', action: expect.stringContaining(`${redisMember(replica)}: replicated redis-gone:6379 (link `) },
          { service: 'sentinel', action: expect.stringContaining(`${sentinelMember(3)}: monitored redis-${other}:6379, the other Sentinels redis-${master}:6379; now monitors redis-${master}:6379`) },
        ]),
      );
      expect(report.actions.find((a) => a.service === 'redis')!.action).toContain(`now a replica of the master redis-${master}:6379`);
      // Nothing else of the workspace was started on this stack.
      expect((await docker.containers()).every((c) => ['redis', 'sentinel'].includes(c.labels['io.paws360.service']))).toBe(true);

      // The real clients agree.
      const info = await redisCli(replica, 'INFO', 'replication');
      expect(info).toContain(`master_host:redis-${master}`);
      expect(info).toContain('master_link_status:up');
      for (const n of [1, 2, 3]) expect([n, (await sentinelOn(n, 'SENTINEL', 'get-master-addr-by-name', 'mymaster')).split('\n')[0]]).toEqual([n, `redis-${master}`]);
      expect(await sentinelOn(3, 'SENTINEL', 'ckquorum', 'mymaster')).toMatch(/^OK 3 usable Sentinels/);
      await waitFor(
        'Sentinel 3 to see both replicas and both other Sentinels again',
        async () => {
          const seen = pairs((await sentinelOn(3, 'SENTINEL', 'master', 'mymaster')).split('\n'));
          return (seen['num-slaves'] === '2' && seen['num-other-sentinels'] === '2') || JSON.stringify(seen);
        },
        60_000,
        1000,
      );
      expect((await health('redis')).exitCode).toBe(0);
      expect((await health('sentinel')).exitCode).toBe(0);
    } finally {
      await setFailoverTimeout(10_000);
    }
  });
});
