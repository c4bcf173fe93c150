import { StackDocker, SUCCEEDED, healthyNow, jsonLine, nx, outcome, runTarget, testStackEnv, waitFor } from '@paws360/stack-testing';
import { execa } from 'execa';
import { createServer, type Server } from 'node:net';

// A throwaway stack beside any developer stack: its own names, ports shifted by 21000.
const STACK = 'paws360-it-etcd';
const env = testStackEnv(STACK, 21000);
const docker = new StackDocker(STACK);
const member = (n: number) => `${STACK}-etcd-${n}`;

interface HealthJson {
  service: string;
  healthy: boolean;
  durationMs: number;
  components: Array<{ name: string; status: string; role: string; detail: string }>;
}

const etcdctl = (n: number, ...args: string[]) => docker.exec(member(n), ['etcdctl', ...args]);
/** A serializable read: answered from that member's own copy of the data. */
const localGet = async (n: number, key: string) =>
  (await etcdctl(n, 'get', key, '--print-value-only', '--consistency=s')).stdout.trim();

/** `etcd:health --json`: its executor in this process (runTarget), or through nx as a user runs it. */
async function health(through: 'nx' | 'this process' = 'this process'): Promise<{ exitCode: number; json: HealthJson }> {
  const result = through === 'nx' ? await nx(env, 'run', 'etcd:health', '--json') : await runTarget(env, 'etcd:health', '--json');
  return { exitCode: result.exitCode, json: jsonLine<HealthJson>(result.output) };
}

async function up() {
  const result = await nx(env, 'run', 'etcd:up');
  expect(outcome(result)).toEqual(SUCCEEDED);
  expect(result.output).toContain('3/3 components healthy');
  return result;
}

beforeAll(async () => {
  await docker.remove();
});

afterAll(async () => {
  await docker.remove();
});

describe('etcd on a real engine', () => {
  it('comes up healthy: 3 members, exactly one leader', async () => {
    await up();
    const { exitCode, json } = await health('nx');
    expect(exitCode).toBe(0);
    expect(json).toMatchObject({ service: 'etcd', healthy: true });
    expect(json.components.map((c) => c.name)).toEqual([member(1), member(2), member(3)]);
    expect(json.components.every((c) => c.status === 'healthy')).toBe(true);
    expect(json.components.filter((c) => c.role === 'leader')).toHaveLength(1);
    const status = await etcdctl(1, '--endpoints=etcd-1:2379,etcd-2:2379,etcd-3:2379', 'endpoint', 'status', '-w', 'json');
    expect(JSON.parse(status.stdout)).toHaveLength(3);
  });

  it('an image whose tag was removed is built again, never replayed from the Nx cache as present', async () => {
    // Its own image namespace: images are shared by every stack on the engine, and suites that overlap in
    // the pipeline start etcd from paws360/etcd:<hash>; removing that tag under them would fail them, and
    // their image tasks could build it again in between.
    const own = { ...env, PAWS360_IMAGE_NAMESPACE: `${STACK}-images` };
    try {
      const first = await nx(own, 'run', 'etcd:image');
      expect(outcome(first)).toEqual(SUCCEEDED);
      const tag = new RegExp(`${STACK}-images/etcd:[0-9a-f]{12}`).exec(first.output)?.[0];
      expect(tag).toBeDefined();
      // The image lives on under :latest: only its content-hash tag goes.
      await docker.runtime.removeImage(tag!);
      expect(await docker.runtime.imageId(tag!)).toBeUndefined();

      const second = await nx(own, 'run', 'etcd:image');
      expect(outcome(second)).toEqual(SUCCEEDED);
      expect(second.output).toContain(`built ${tag}`);
      expect(second.output).not.toMatch(/local cache|remote cache/);
      expect(await docker.runtime.imageId(tag!)).toBeDefined();
    } finally {
      const { stdout } = await execa('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', `${STACK}-images/etcd`]);
      for (const ref of stdout.split('\n').filter(Boolean)) await docker.runtime.removeImage(ref).catch(() => undefined);
    }
  });

  it('a second up on a healthy stack recreates nothing', async () => {
    const before = (await docker.containers('etcd')).map((c) => c.id).sort();
    const result = await up();
    expect(result.output).not.toMatch(/\((create|recreate|start)\)/);
    expect((await docker.containers('etcd')).map((c) => c.id).sort()).toEqual(before);
  });

  it('keeps serving with one member stopped, health names it, and the member rejoins', async () => {
    await etcdctl(1, 'put', '/paws360/it/before', 'kept');
    await docker.stop(member(2));

    const degraded = await health();
    expect(degraded.exitCode).not.toBe(0);
    expect(degraded.json.healthy).toBe(false);
    const stopped = degraded.json.components.find((c) => c.name === member(2));
    expect(stopped).toMatchObject({ status: 'unhealthy' });
    expect(stopped!.detail).toContain('container not running');
    expect(degraded.json.components.filter((c) => c.status === 'healthy')).toHaveLength(2);

    // Quorum is 2 of 3: writes and linearizable reads still succeed.
    await etcdctl(1, 'put', '/paws360/it/while-down', 'written');
    expect((await etcdctl(3, 'get', '/paws360/it/while-down', '--print-value-only')).stdout.trim()).toBe('written');

    await docker.start(member(2));
    await waitFor('etcd-2 to rejoin and the cluster to be healthy', () => healthyNow(env, 'etcd'), 90_000, 1000);
    expect((await health()).exitCode).toBe(0);
    // It caught up on the write it missed.
    expect(await localGet(2, '/paws360/it/while-down')).toBe('written');
  });

  it('down then up keeps the data; down --wipe then up starts empty', async () => {
    expect(outcome(await nx(env, 'run', 'etcd:down'))).toEqual(SUCCEEDED);
    expect(await docker.containers('etcd')).toHaveLength(0);
    expect(await docker.volumes('etcd')).toHaveLength(3);
    await up();
    expect(await localGet(1, '/paws360/it/before')).toBe('kept');

    expect(outcome(await nx(env, 'run', 'etcd:down', '--wipe'))).toEqual(SUCCEEDED);
    expect(await docker.volumes('etcd')).toHaveLength(0);
    await up();
    expect(await localGet(1, '/paws360/it/before')).toBe('');
  });
});

describe('etcd up refuses bad situations and leaves nothing behind', () => {
  let blocker: Server | undefined;

  afterEach(async () => {
    await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
    blocker = undefined;
  });

  it('a busy host port: names the port and its variable, creates nothing', async () => {
    await nx(env, 'run', 'etcd:down', '--wipe');
    blocker = createServer();
    await new Promise<void>((resolve) => blocker!.listen(23380, '127.0.0.1', resolve));

    const result = await nx(env, 'run', 'etcd:up');
    expect(result.exitCode).not.toBe(0);
    expect(result.output).toContain('23380');
    expect(result.output).toContain('PAWS360_ETCD_CLIENT_PORT');
    expect(await docker.containers('etcd')).toHaveLength(0);
    expect(await docker.volumes('etcd')).toHaveLength(0);
  });

  it('no engine: says so and what to do', async () => {
    const result = await nx({ ...env, DOCKER_HOST: 'unix:///tmp/paws360-no-engine.sock' }, 'run', 'etcd:health');
    expect(result.exitCode).not.toBe(0);
    expect(result.output).toContain('Cannot reach the Docker engine at unix:///tmp/paws360-no-engine.sock');
    expect(result.output).toContain('npm run provision');
  });
});
