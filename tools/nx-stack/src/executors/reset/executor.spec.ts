// Specs hand executors their own runtime, so the real one is never made: keep
// dockerode (slow to load) out of this suite.
jest.mock('../../runtime/dockerode-runtime', () => ({ DockerodeRuntime: jest.fn() }));

import { TestWorkspace, testDeps } from '../../testing/executor-context';
import { fakeProbe } from '../../testing/fake-probe';
import { FakeRuntime } from '../../testing/fake-runtime';
import upExecutor from '../up/executor';
import resetExecutor from './executor';

describe('reset executor', () => {
  let ws: TestWorkspace;
  let runtime: FakeRuntime;
  beforeEach(async () => {
    ws = TestWorkspace.create({ etcd: {} });
    runtime = new FakeRuntime();
    expect(await upExecutor({}, ws.context('etcd'), testDeps(runtime, { probe: () => fakeProbe() }).deps)).toEqual({ success: true });
    // Another stack on the same engine must stay.
    expect(await upExecutor({ stack: 'other' }, ws.context('etcd'), testDeps(runtime, { probe: () => fakeProbe() }).deps)).toEqual({ success: true });
  });
  afterEach(() => ws.dispose());

  it('TC-025 --yes: every container, volume and the network of the stack go, and only that stack', async () => {
    const { deps, logs } = testDeps(runtime);
    expect(await resetExecutor({ yes: true }, ws.context('stack', 'reset'), deps)).toEqual({ success: true });
    expect(logs).toEqual(['stack "paws360" reset: 3 containers, 3 volumes and its network removed; the next up starts a new cluster']);
    expect(runtime.containerNames()).toEqual(['other-etcd-1', 'other-etcd-2', 'other-etcd-3']);
    expect(runtime.volumeNames().every((v) => v.startsWith('other-'))).toBe(true);
    expect([...runtime.networks.keys()]).toEqual(['other-backend']);
  });

  it('answered no, or no terminal without --yes: nothing is removed', async () => {
    const no = testDeps(runtime);
    expect(await resetExecutor({}, ws.context('stack', 'reset'), no.deps, async () => false)).toEqual({ success: true });
    expect(no.logs).toEqual(['Nothing removed.']);
    const noTerminal = testDeps(runtime);
    expect(await resetExecutor({}, ws.context('stack', 'reset'), noTerminal.deps)).toEqual({ success: false });
    expect(noTerminal.errors.join('\n')).toContain('pass --yes');
    expect(runtime.containerNames()).toHaveLength(6);
  });
});
