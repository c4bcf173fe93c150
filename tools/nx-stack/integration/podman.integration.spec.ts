import Docker from 'dockerode';
import { execa } from 'execa';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
// Relative, not @paws360/stack-testing: that library depends on this project (a cycle in the graph).
import { DockerodeRuntime } from '../src/runtime';

/*
 * The data tier on Podman, for real: Podman's Docker-compatible socket
 * (tools/provision/podman.sh starts it) stands in for Docker through
 * DOCKER_HOST, and the plugin does everything it does on Docker: builds the
 * images in Podman's store, starts etcd, Patroni, Redis and the Sentinels,
 * health, inspect, logs, a Redis failover, down --wipe.
 *
 * Skipped, with a message, only when no Podman socket answers and
 * PAWS360_REQUIRE_PODMAN is not set; CI (.ci/run) sets it, so there a
 * missing Podman fails the suite. Its own stack name and port offset
 * (+24500), on another engine: nothing it does can touch another suite.
 */

const PODMAN_HOST = process.env.PAWS360_PODMAN_HOST ?? 'unix:///run/podman/podman.sock';
const SOCKET = PODMAN_HOST.replace(/^unix:\/\//, '');
const REQUIRED = Boolean(process.env.PAWS360_REQUIRE_PODMAN);
const STACK = 'paws360-it-podman';
const SERVICES = ['etcd', 'patroni', 'redis', 'sentinel'];
const env: NodeJS.ProcessEnv = {
  ...process.env,
  DOCKER_HOST: PODMAN_HOST,
  PAWS360_STACK: STACK,
  PAWS360_PORT_OFFSET: '24500',
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  // The root of its own chain of nested nx runs (see testStackEnv in libs/stack-testing).
  NX_INVOCATION_ROOT_PID: String(process.pid),
  CI: 'true',
  FORCE_COLOR: '0',
};

const workspaceRoot = resolve(__dirname, '../../..');
/** nx's own bin, run with this Node (what `npx nx` starts, without npx's 0.5 s). */
const NX_BIN = require.resolve('nx/bin/nx.js', { paths: [workspaceRoot] });

/** `nx <args>` on the Podman stack, as a user runs it; never throws on a non-zero exit. */
async function nx(...args: string[]): Promise<{ exitCode: number; output: string }> {
  const result = await execa(process.execPath, [NX_BIN, ...args, '--outputStyle=stream-without-prefixes'], {
    cwd: workspaceRoot,
    env,
    extendEnv: false,
    reject: false,
    all: true,
    stdin: 'ignore',
    timeout: 20 * 60_000,
  });
  return { exitCode: result.exitCode ?? -1, output: result.all ?? '' };
}

/** The one JSON line a `--json` target printed. */
function jsonLine<T>(output: string): T {
  const line = output.split('\n').find((l) => l.trimStart().startsWith('{'));
  if (!line) throw new Error(`no JSON line in output:\n${output}`);
  return JSON.parse(line) as T;
}
const podman = new DockerodeRuntime(new Docker({ socketPath: SOCKET }));
const stackLabel = { 'io.paws360.stack': STACK };

/** Whether the socket answers GET /_ping, decided before the suite is declared (jest cannot skip later). */
function podmanAnswers(): { ok: boolean; detail: string } {
  const probe = spawnSync(
    process.execPath,
    [
      '-e',
      `require('node:http').get({ socketPath: ${JSON.stringify(SOCKET)}, path: '/_ping', timeout: 3000 }, (res) => {
         let body = ''; res.on('data', (c) => (body += c)); res.on('end', () => process.exit(res.statusCode === 200 && body === 'OK' ? 0 : 2));
       }).on('error', (e) => { console.error(e.message); process.exit(1); }).on('timeout', () => { console.error('timeout'); process.exit(1); });`,
    ],
    { encoding: 'utf8', timeout: 10_000 },
  );
  return { ok: probe.status === 0, detail: (probe.stderr || `exit ${probe.status}`).trim() };
}

const available = podmanAnswers();
const NOT_AVAILABLE =
  `no Podman API answers at ${PODMAN_HOST} (${available.detail}). ` +
  'Start it with: sudo bash tools/provision/podman.sh (docs/podman.md).';

if (!available.ok && !REQUIRED) {
  console.warn(`Podman suite skipped: ${NOT_AVAILABLE} Set PAWS360_REQUIRE_PODMAN=1 to make this a failure.`);
}

const suite = available.ok || REQUIRED ? describe : describe.skip;
const timings: string[] = [];

async function timed<T>(what: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await fn();
  } finally {
    timings.push(`${what}: ${((Date.now() - started) / 1000).toFixed(1)}s`);
  }
}

const runMany = (target: string, ...args: string[]) => nx('run-many', '-t', target, '-p', SERVICES.join(','), ...args);

interface HealthJson {
  service: string;
  healthy: boolean;
  components: Array<{ name: string; status: string; role: string }>;
}

suite('the data tier on Podman (DOCKER_HOST=' + PODMAN_HOST + ')', () => {
  beforeAll(async () => {
    if (!available.ok) throw new Error(`PAWS360_REQUIRE_PODMAN is set but ${NOT_AVAILABLE}`);
    // Whatever an interrupted earlier run left.
    await runMany('down', '--wipe');
  });

  afterAll(async () => {
    if (available.ok) await runMany('down', '--wipe');
      if (timings.length) console.log(`Podman timings (${STACK}):\n  ${timings.join('\n  ')}`);
  });

  it('the engine check reports podman (runtime and stack:preflight)', async () => {
    expect(await podman.engineInfo()).toMatchObject({ engine: 'podman' });
    const result = await nx('run', 'stack:preflight', '--json');
    const report = jsonLine<{ engine: { engine: string; apiVersion: string } }>(result.output);
    expect(report.engine.engine).toBe('podman');
  });

  it('up builds the images in Podman and starts etcd, Patroni, Redis and the Sentinels healthy', async () => {
    const result = await timed('up (etcd, patroni, redis, sentinel; images built when missing)', () => runMany('up'));
    expect({ exitCode: result.exitCode, output: result.output }).toMatchObject({ exitCode: 0 });
    for (const service of SERVICES) {
      expect(result.output).toMatch(new RegExp(`${service}: (up in|3/3 healthy)`));
      expect(await podman.imageId(`paws360/${service}:latest`)).toBeDefined();
    }
    const containers = await podman.listContainers(stackLabel);
    expect(containers.map((c) => c.name).sort()).toEqual(
      SERVICES.flatMap((s) => [1, 2, 3].map((n) => `${STACK}-${s}-${n}`)).sort(),
    );
    expect(containers.every((c) => c.state === 'running')).toBe(true);
  });

  it('health --json: every member healthy, one etcd leader, one Patroni leader, one Redis master', async () => {
    const roles: Record<string, string[]> = {};
    for (const service of SERVICES) {
      const result = await nx('run', `${service}:health`, '--json');
      const health = jsonLine<HealthJson>(result.output);
      expect({ service, exitCode: result.exitCode, healthy: health.healthy }).toEqual({ service, exitCode: 0, healthy: true });
      expect(health.components).toHaveLength(3);
      roles[service] = health.components.map((c) => c.role);
    }
    expect(roles.etcd.filter((r) => r === 'leader')).toHaveLength(1);
    expect(roles.patroni.filter((r) => r === 'leader')).toHaveLength(1);
    expect(roles.redis.filter((r) => r === 'master')).toHaveLength(1);
  });

  it('etcd formed one cluster over Podman DNS: every member lists the same 3 peers by name', async () => {
    const members = await Promise.all(
      [1, 2, 3].map(async (n) => {
        const id = (await podman.listContainers({ ...stackLabel, 'io.paws360.service': 'etcd' })).find((c) => c.name === `${STACK}-etcd-${n}`)!.id;
        const result = await podman.exec(id, ['etcdctl', '--endpoints=etcd-1:2379,etcd-2:2379,etcd-3:2379', 'member', 'list', '-w', 'simple']);
        expect(result.exitCode).toBe(0);
        return result.stdout.trim().split('\n').sort();
      }),
    );
    expect(members[0]).toHaveLength(3);
    expect(members[1]).toEqual(members[0]);
    expect(members[2]).toEqual(members[0]);
    for (const n of [1, 2, 3]) expect(members[0].join('\n')).toContain(`http://etcd-${n}:2380`);
  });

  it('inspect --json and logs work against Podman', async () => {
    const inspect = await nx('run', 'etcd:inspect', '--json');
    expect(inspect.exitCode).toBe(0);
    expect(JSON.stringify(jsonLine<Record<string, unknown>>(inspect.output))).toContain(`${STACK}-etcd-1`);

    const logs = await nx('run', 'redis:logs', '--tail=20');
    expect(logs.exitCode).toBe(0);
    for (const n of [1, 2, 3]) expect(logs.output).toMatch(new RegExp(`${STACK}-redis-${n} \\| \\S`));
  });

  it('a Redis master failover passes on Podman (kill, promotion, no acknowledged write lost, rejoin)', async () => {
    const result = await timed('redis:fail-master', () => nx('run', 'redis:fail-master'));
    expect({ exitCode: result.exitCode, output: result.output }).toMatchObject({ exitCode: 0 });
    expect(result.output).toMatch(/redis fail-master: PASSED/);
    expect((await nx('run', 'sentinel:health', '--json')).exitCode).toBe(0);
  });

  it('down --wipe of one service keeps the others\' volumes and the network they use (Podman ORs volume label filters, removes a used network by id)', async () => {
    const others = (await podman.listVolumes(stackLabel)).filter((v) => !v.includes('-sentinel-'));
    expect(others.length).toBeGreaterThanOrEqual(9);
    const result = await nx('run', 'sentinel:down', '--wipe');
    expect(result.exitCode).toBe(0);
    expect(await podman.listContainers({ ...stackLabel, 'io.paws360.service': 'sentinel' })).toEqual([]);
    expect(await podman.listVolumes(stackLabel)).toEqual(others);
    const networks = await new Docker({ socketPath: SOCKET }).listNetworks({ filters: { name: [`${STACK}-backend`] } });
    expect(networks.filter((n) => n.Name === `${STACK}-backend`)).toHaveLength(1);
    expect((await nx('run', 'redis:health', '--json')).exitCode).toBe(0);
  });

  it('down --wipe leaves nothing of the stack on Podman: no container, volume or network', async () => {
    const result = await timed('down --wipe', () => runMany('down', '--wipe'));
    expect(result.exitCode).toBe(0);
    expect(await podman.listContainers(stackLabel)).toEqual([]);
    expect(await podman.listVolumes(stackLabel)).toEqual([]);
    const networks = await new Docker({ socketPath: SOCKET }).listNetworks({ filters: { name: [`${STACK}-backend`] } });
    expect(networks.filter((n) => n.Name === `${STACK}-backend`)).toEqual([]);
  });
});
