// Specs hand executors their own runtime, so the real one is never made: keep
// dockerode (slow to load) out of this suite.
jest.mock('../../runtime/dockerode-runtime', () => ({ DockerodeRuntime: jest.fn() }));

import { TestWorkspace, testDeps } from '../../testing/executor-context';
import { fakeProbe } from '../../testing/fake-probe';
import { FakeRuntime } from '../../testing/fake-runtime';
import upExecutor from '../up/executor';
import rebuildExecutor from './executor';

describe('rebuild executor', () => {
  let ws: TestWorkspace;
  let runtime: FakeRuntime;
  beforeEach(async () => {
    ws = TestWorkspace.create({ etcd: {} });
    runtime = new FakeRuntime();
    expect(await upExecutor({}, ws.context('etcd'), testDeps(runtime, { probe: () => fakeProbe() }).deps)).toEqual({ success: true });
    runtime.resetCalls();
  });
  afterEach(() => ws.dispose());

  it('rebuilds the image without cache and recreates every member, keeping the volumes', async () => {
    const before = new Map([...runtime.containers.values()].map((c) => [c.name, c.id]));
    const volumes = runtime.volumeNames();
    const { deps, logs, errors } = testDeps(runtime, { probe: () => fakeProbe() });
    expect(await rebuildExecutor({}, ws.context('etcd', 'rebuild'), deps)).toEqual({ success: true });
    expect(errors).toEqual([]);
    expect(runtime.builds).toHaveLength(1);
    expect(runtime.builds[0].noCache).toBe(true);
    for (const [name, id] of before) {
      expect(runtime.container(name).id).not.toBe(id);
      expect(runtime.container(name).state).toBe('running');
      // The containers run the freshly built image.
      expect(runtime.container(name).imageId).toBe(runtime.images.get(runtime.builds[0].tags[0]));
    }
    expect(runtime.volumeNames()).toEqual(volumes);
    expect(logs.some((l) => /paws360-etcd-1 \(recreate\)/.test(l))).toBe(true);
  });

  it('passes timeoutSeconds on to the health wait', async () => {
    const probe = fakeProbe({ problem: () => 'still syncing' });
    const { deps, errors } = testDeps(runtime, { probe: () => probe });
    expect(await rebuildExecutor({ timeoutSeconds: 0.02 }, ws.context('etcd', 'rebuild'), deps)).toEqual({ success: false });
    expect(errors[0]).toContain('did not become healthy within 0.02s');
    expect(errors[0]).toContain('still syncing');
  });

  it.each([
    [{ timeoutSeconds: 0 }, 'field "timeoutSeconds"', 'expected number to be >0'],
    [{ rebuild: false }, 'field "rebuild"', 'unknown field'],
  ])('invalid options %p: ConfigError naming the option, nothing is touched', async (options, field, expected) => {
    const { deps, errors } = testDeps(runtime, { probe: () => fakeProbe() });
    expect(await rebuildExecutor(options as never, ws.context('etcd', 'rebuild'), deps)).toEqual({ success: false });
    expect(errors[0]).toContain('Invalid options of rebuild');
    expect(errors[0]).toContain(field);
    expect(errors[0]).toContain(expected);
    expect(runtime.calls).toEqual([]);
  });
});
