// Specs hand executors their own runtime, so the real one is never made: keep
// dockerode (slow to load) out of this suite.
jest.mock('../../runtime/dockerode-runtime', () => ({ DockerodeRuntime: jest.fn() }));

import { TestWorkspace, testDeps } from '../../testing/executor-context';
import { fakeProbe } from '../../testing/fake-probe';
import { FakeRuntime } from '../../testing/fake-runtime';
import upExecutor from '../up/executor';
import recoverExecutor from './executor';
import { KINDS } from '../../kinds/registry';

describe('recover executor', () => {
  let ws: TestWorkspace;
  let runtime: FakeRuntime;
  beforeEach(async () => {
    ws = TestWorkspace.create({ etcd: {} });
    runtime = new FakeRuntime();
    expect(await upExecutor({}, ws.context('etcd'), testDeps(runtime, { probe: () => fakeProbe() }).deps)).toEqual({ success: true });
  });
  afterEach(() => ws.dispose());

  it('resumes a paused member, starts an exited one, recreates a missing one, and lists each action', async () => {
    runtime.setState('paws360-etcd-1', 'paused');
    runtime.setState('paws360-etcd-2', 'exited');
    await runtime.removeContainer(runtime.container('paws360-etcd-3').id);
    const { deps, logs } = testDeps(runtime, { probe: () => fakeProbe() });
    expect(await recoverExecutor({}, ws.context('stack', 'recover'), deps)).toEqual({ success: true });
    const text = logs.join('\n');
    expect(text).toContain('3/3 components healthy');
    expect(text).toMatch(/stack "paws360" recovered in [\d.]+s:\n {2}- etcd: paws360-etcd-1: unpause\n {2}- etcd: paws360-etcd-2: start\n {2}- etcd: paws360-etcd-3: create/);
    expect(runtime.callsTo('unpauseContainer')).toHaveLength(1);
    expect(runtime.containerNames().map((n) => runtime.container(n).state)).toEqual(['running', 'running', 'running']);
  });

  it('a healthy stack: nothing needed recovery; --json reports no action', async () => {
    const { deps, logs } = testDeps(runtime, { probe: () => fakeProbe() });
    expect(await recoverExecutor({ json: true }, ws.context('stack', 'recover'), deps)).toEqual({ success: true });
    const report = JSON.parse(logs[0]);
    expect(report).toMatchObject({ stack: 'paws360', healthy: true, actions: [], warnings: [] });
  });

  it('a container clock off the host’s is reported as a warning with what to do', async () => {
    runtime.execHandler = () => ({ exitCode: 0, stdout: `${Math.floor(Date.now() / 1000) - 30}\n`, stderr: '' });
    const { deps, errors } = testDeps(runtime, { probe: () => fakeProbe() });
    expect(await recoverExecutor({}, ws.context('stack', 'recover'), deps)).toEqual({ success: true });
    const warning = errors.join('\n');
    expect(warning).toMatch(/warning: paws360-etcd-\d's clock is [\d.]+ s behind the host's .* restart the engine/);
    // `date +%s` in a container has a resolution of one second, and the host's reading is the middle of
    // the exec: 30 s behind reads as 30 to 31 s, a little more when the exec is slow on a loaded machine.
    const behind = Number(/clock is ([\d.]+) s behind/.exec(warning)?.[1]);
    expect(behind).toBeGreaterThanOrEqual(29.5);
    expect(behind).toBeLessThan(33);
  });

  it('a service that does not become ready on its own (members split on who leads) is repaired by its kind, and the action listed', async () => {
    let repaired = false;
    const repair = jest.fn(async () => {
      repaired = true;
      return ['paws360-etcd-3: told the leader again'];
    });
    const original = KINDS.etcd.repair;
    (KINDS.etcd as { repair?: typeof repair }).repair = repair;
    try {
      const probe = fakeProbe({ problem: (view) => (!repaired && view.member === 3 ? 'disagrees on the leader' : undefined), serving: () => repaired });
      const { deps, logs } = testDeps(runtime, { probe: () => probe });
      expect(await recoverExecutor({ settleSeconds: 0.05, timeoutSeconds: 5 }, ws.context('stack', 'recover'), deps)).toEqual({ success: true });
      expect(repair).toHaveBeenCalledTimes(1);
      expect(logs.join('\n')).toContain('- etcd: paws360-etcd-3: told the leader again');
    } finally {
      (KINDS.etcd as { repair?: unknown }).repair = original;
    }
  });

  it('--services limits it to those services; an unknown name is refused', async () => {
    const { deps, logs } = testDeps(runtime, { probe: () => fakeProbe() });
    expect(await recoverExecutor({ services: 'etcd', json: true }, ws.context('stack', 'recover'), deps)).toEqual({ success: true });
    expect(JSON.parse(logs[0]).health.map((h: { service: string }) => h.service)).toEqual(['etcd']);
    const refused = testDeps(runtime, { probe: () => fakeProbe() });
    expect(await recoverExecutor({ services: 'etcd,nope' }, ws.context('stack', 'recover'), refused.deps)).toEqual({ success: false });
    expect(refused.errors.join('\n')).toContain('no service named nope');
  });
});
