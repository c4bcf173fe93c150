// Specs hand executors their own runtime, so the real one is never made: keep
// dockerode (slow to load) out of this suite.
jest.mock('../../runtime/dockerode-runtime', () => ({ DockerodeRuntime: jest.fn() }));

import { TestWorkspace, testDeps } from '../../testing/executor-context';
import { FakeRuntime } from '../../testing/fake-runtime';
import imageExecutor from './executor';

describe('image executor', () => {
  let ws: TestWorkspace;
  let runtime: FakeRuntime;
  beforeEach(() => {
    ws = TestWorkspace.create({ etcd: {} });
    runtime = new FakeRuntime();
  });
  afterEach(() => ws.dispose());

  it('builds when the image is missing, printing the build output and the result', async () => {
    const { deps, logs } = testDeps(runtime);
    expect(await imageExecutor({}, ws.context('etcd', 'image'), deps)).toEqual({ success: true });
    expect(runtime.builds).toHaveLength(1);
    expect(runtime.builds[0].noCache).toBe(false);
    expect(logs.slice(0, 2)).toEqual(runtime.buildOutput.map((l) => `  ${l}`));
    expect(logs[2]).toMatch(/^etcd: built paws360\/etcd:[0-9a-f]{12} \(2 context files\) in \d+\.\ds$/);
  });

  it('skips the build when an image with the content hash is present', async () => {
    await imageExecutor({}, ws.context('etcd', 'image'), testDeps(runtime).deps);
    const { deps, logs } = testDeps(runtime);
    expect(await imageExecutor({}, ws.context('etcd', 'image'), deps)).toEqual({ success: true });
    expect(runtime.builds).toHaveLength(1);
    expect(logs).toEqual([expect.stringMatching(/^etcd: paws360\/etcd:[0-9a-f]{12} is present, build skipped \(content hash unchanged\)$/)]);
  });

  it('--force builds again, without the layer cache', async () => {
    await imageExecutor({}, ws.context('etcd', 'image'), testDeps(runtime).deps);
    expect(await imageExecutor({ force: true }, ws.context('etcd', 'image'), testDeps(runtime).deps)).toEqual({ success: true });
    expect(runtime.builds).toHaveLength(2);
    expect(runtime.builds[1].noCache).toBe(true);
  });

  it('engine down: success false before any file is read or built', async () => {
    runtime.engineDown();
    const { deps, errors } = testDeps(runtime);
    expect(await imageExecutor({}, ws.context('etcd', 'image'), deps)).toEqual({ success: false });
    expect(errors[0]).toMatch(/^Cannot reach the Docker engine/);
    expect(runtime.calls.map((c) => c.method)).toEqual(['ping']);
  });

  it('a failed build: success false naming the operation', async () => {
    runtime.failOn('buildImage');
    const { deps, errors } = testDeps(runtime);
    expect(await imageExecutor({}, ws.context('etcd', 'image'), deps)).toEqual({ success: false });
    expect(errors[0]).toMatch(/^buildImage paws360\/etcd:[0-9a-f]{12} failed: injected failure$/);
  });

  it('invalid options: ConfigError naming the option', async () => {
    const { deps, errors } = testDeps(runtime);
    expect(await imageExecutor({ force: 1 } as never, ws.context('etcd', 'image'), deps)).toEqual({ success: false });
    expect(errors[0]).toContain('Invalid options of image');
    expect(errors[0]).toContain('field "force": Invalid input: expected boolean');
    expect(runtime.calls).toEqual([]);
  });
});
