// Specs hand executors their own runtime, so the real one is never made: keep
// dockerode (slow to load) out of this suite.
jest.mock('../../runtime/dockerode-runtime', () => ({ DockerodeRuntime: jest.fn() }));

import { TestWorkspace, testDeps } from '../../testing/executor-context';
import { FakeRuntime } from '../../testing/fake-runtime';
import consoleExecutor from './executor';

describe('console executor', () => {
  let ws: TestWorkspace;
  beforeEach(() => (ws = TestWorkspace.create({ etcd: {} })));
  afterEach(() => ws.dispose());

  it('serves the console on 127.0.0.1 until interrupted, then stops', async () => {
    const { deps, logs } = testDeps(new FakeRuntime());
    const run = consoleExecutor({ port: 0 }, ws.context('stack', 'console'), deps);
    while (logs.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const url = /on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(logs[0])![1];
    expect((await fetch(url)).status).toBe(200);
    process.emit('SIGINT');
    expect(await run).toEqual({ success: true });
    await expect(fetch(url)).rejects.toThrow();
  });

  it('a port taken or invalid: success false, the message says so', async () => {
    const { deps, errors } = testDeps(new FakeRuntime());
    expect(await consoleExecutor({ port: 70000 }, ws.context('stack', 'console'), deps)).toEqual({ success: false });
    expect(errors[0]).toContain('field "port"');
  });
});
