// Specs hand executors their own runtime, so the real one is never made: keep
// dockerode (slow to load) out of this suite.
jest.mock('../../runtime/dockerode-runtime', () => ({ DockerodeRuntime: jest.fn() }));

import { TestWorkspace, serviceJson, testDeps } from '../../testing/executor-context';
import { fakeProbe } from '../../testing/fake-probe';
import { FakeRuntime } from '../../testing/fake-runtime';
import upExecutor from '../up/executor';
import preflightExecutor from './executor';

const GiB = 1024 ** 3;
const limited = serviceJson({ resources: { cpus: 1, memory: '512m' } });

describe('preflight executor', () => {
  let ws: TestWorkspace;
  let runtime: FakeRuntime;
  beforeEach(() => {
    ws = TestWorkspace.create({ etcd: { config: limited } });
    runtime = new FakeRuntime();
    runtime.images.set('debian:bookworm-slim', 'sha256:base');
  });
  afterEach(() => ws.dispose());
  const run = (options: Record<string, unknown>, env: NodeJS.ProcessEnv = {}, ask = async () => false) => {
    const t = testDeps(runtime, { env, portFree: async () => true });
    return preflightExecutor(options, ws.context('stack', 'preflight'), t.deps, ask).then((result) => ({ ...t, result }));
  };

  it('a machine that has what the stack declares: every check ✓, success', async () => {
    const { result, logs } = await run({});
    expect(result).toEqual({ success: true });
    const text = logs.join('\n');
    for (const check of ['engine', 'memory', 'cpus', 'disk', 'node', 'base image debian:bookworm-slim', 'ports', 'secrets']) {
      expect(text).toMatch(new RegExp(`✓\\s+${check.replace(/[.:]/g, '\\$&')}\\s`));
    }
    expect(text).toContain('docker 20.10.24 (API 1.41), storage driver overlay2');
    expect(text).toContain('members may use up to 1.5 GiB (sum of resources.memory)');
    expect(text).toMatch(/nothing failed, 0 warnings \(stack "paws360", \d+ ms\)$/);
  });

  it('TC-022 below the declared memory: a warning stating what was found and what is needed; CI aborts, --yes or the variable go on, a no on the prompt stops', async () => {
    runtime.info = { ...runtime.info, memoryBytes: 1 * GiB, cpus: 1 };
    const ci = await run({}, { CI: 'true' });
    expect(ci.result).toEqual({ success: false });
    expect(ci.logs.join('\n')).toMatch(/⚠\s+memory\s+the engine offers 1\.0 GiB; the stack's members may use up to 1\.5 GiB/);
    expect(ci.logs.join('\n')).toMatch(/⚠\s+cpus\s+the engine offers 1 CPU; the stack needs 2/);
    expect(ci.errors.join('\n')).toContain('In CI a resource warning aborts: memory, cpus. Set PAWS360_ACCEPT_LOW_RESOURCES=1');
    expect((await run({ yes: true }, { CI: 'true' })).result).toEqual({ success: true });
    expect((await run({}, { CI: 'true', PAWS360_ACCEPT_LOW_RESOURCES: '1' })).result).toEqual({ success: true });
    expect((await run({}, {}, async () => false)).result).toEqual({ success: false });
    expect((await run({}, {}, async () => true)).result).toEqual({ success: true });
  });

  it('--json is one line with every check', async () => {
    const { logs } = await run({ json: true });
    const report = JSON.parse(logs[0]);
    expect(report.stack).toBe('paws360');
    expect(report.engine.engine).toBe('docker');
    expect(report.checks.map((c: { check: string }) => c.check)).toEqual(['engine', 'memory', 'cpus', 'disk', 'node', 'base image debian:bookworm-slim', 'ports', 'secrets']);
  });

  it('a missing base image and a busy port fail, each saying what to do', async () => {
    runtime.images.delete('debian:bookworm-slim');
    const t = testDeps(runtime, { portFree: async (port) => port !== 2380 });
    expect(await preflightExecutor({}, ws.context('stack', 'preflight'), t.deps)).toEqual({ success: false });
    const text = t.logs.join('\n');
    expect(text).toMatch(/✗\s+base image debian:bookworm-slim\s+not present on the engine → npm run provision/);
    expect(text).toMatch(/✗\s+ports\s+2380 \(etcd member 2 client.*→ set PAWS360_ETCD_CLIENT_PORT to move them/);
    expect(text).toMatch(/2 failed, 0 warnings \(stack "paws360", \d+ ms\)/);
  });

  it('no engine: one failed check that says how to start one', async () => {
    runtime.engineDown();
    const { result, logs } = await run({});
    expect(result).toEqual({ success: false });
    expect(logs.join('\n')).toMatch(/✗\s+engine\s+Cannot reach the Docker engine/);
  });

  it('up in CI below the minimums aborts before creating anything; accepted, it starts', async () => {
    runtime.info = { ...runtime.info, memoryBytes: 1 * GiB };
    const refused = testDeps(runtime, { probe: () => fakeProbe(), env: { CI: 'true' } });
    expect(await upExecutor({}, ws.context('etcd'), refused.deps)).toEqual({ success: false });
    expect(refused.errors.join('\n')).toMatch(/Below the stack's minimums:\n\s+memory: the engine offers 1\.0 GiB.*Nothing was created\./s);
    expect(runtime.containerNames()).toEqual([]);
    const accepted = testDeps(runtime, { probe: () => fakeProbe(), env: { CI: 'true', PAWS360_ACCEPT_LOW_RESOURCES: '1' } });
    expect(await upExecutor({}, ws.context('etcd'), accepted.deps)).toEqual({ success: true });
    // On a laptop it warns and goes on.
    const laptop = testDeps(runtime, { probe: () => fakeProbe(), env: {} });
    expect(await upExecutor({}, ws.context('etcd'), laptop.deps)).toEqual({ success: true });
    expect(laptop.errors.join('\n')).toContain("warning: below the stack's minimums (going on; npx nx run stack:preflight shows every check)");
  });
});
