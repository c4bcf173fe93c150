// Specs hand executors their own runtime, so the real one is never made: keep
// dockerode (slow to load) out of this suite.
jest.mock('../../runtime/dockerode-runtime', () => ({ DockerodeRuntime: jest.fn() }));

import { TestWorkspace, testDeps } from '../../testing/executor-context';
import { fakeProbe } from '../../testing/fake-probe';
import { FakeRuntime } from '../../testing/fake-runtime';
import upExecutor from '../up/executor';
import stackStatsExecutor from './executor';

describe('stack-stats executor', () => {
  let ws: TestWorkspace;
  let runtime: FakeRuntime;
  beforeEach(async () => {
    process.env.NO_COLOR = '1';
    ws = TestWorkspace.create({ etcd: {} });
    runtime = new FakeRuntime();
    expect(await upExecutor({}, ws.context('etcd'), testDeps(runtime, { probe: () => fakeProbe() }).deps)).toEqual({ success: true });
    runtime.setStats('paws360-etcd-1', { cpuPercent: 3, memoryBytes: 30 * 1024 ** 2, memoryLimitBytes: 256 * 1024 ** 2 });
    runtime.setStats('paws360-etcd-2', { cpuPercent: 1, memoryBytes: 10 * 1024 ** 2, memoryLimitBytes: 256 * 1024 ** 2 });
  });
  afterEach(() => {
    delete process.env.NO_COLOR;
    ws.dispose();
  });

  it('a table: every container, a total row', async () => {
    const { deps, logs } = testDeps(runtime);
    expect(await stackStatsExecutor({}, ws.context('stack', 'stats'), deps)).toEqual({ success: true });
    const lines = logs[0].split('\n');
    expect(lines[0]).toMatch(/^CONTAINER\s+CPU\s+MEMORY \/ LIMIT\s+NET RX \/ TX\s+BLOCK READ \/ WRITE\s+PIDS$/);
    expect(lines.slice(1, 4).map((l) => l.split(/\s+/)[0])).toEqual(['paws360-etcd-1', 'paws360-etcd-2', 'paws360-etcd-3']);
    expect(lines[4]).toMatch(/^total \(3\)\s+4\.0%\s+40\.0 MiB \/ 8\.0 GiB/);
    expect(lines.at(-1)).toMatch(/^sampled in \d+ ms$/);
  });

  it('--json: one line with every container, the totals, the engine and warnings', async () => {
    const { deps, logs } = testDeps(runtime);
    await stackStatsExecutor({ json: true }, ws.context('stack', 'stats'), deps);
    const json = JSON.parse(logs[0]) as { stack: string; containers: Array<{ name: string }>; total: { memoryBytes: number }; warnings: string[] };
    expect(json.stack).toBe('paws360');
    expect(json.containers.map((c) => c.name)).toEqual(['paws360-etcd-1', 'paws360-etcd-2', 'paws360-etcd-3']);
    expect(json.total.memoryBytes).toBe(40 * 1024 ** 2);
    expect(json.warnings).toEqual([]);
  });

  it('--watch samples again until interrupted', async () => {
    const { deps, logs } = testDeps(runtime);
    const run = stackStatsExecutor({ watch: true, interval: 1, json: true }, ws.context('stack', 'stats'), deps);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    process.emit('SIGINT');
    expect(await run).toEqual({ success: true });
    expect(logs.length).toBeGreaterThanOrEqual(2);
  });

  it('no containers: says how to start the stack', async () => {
    for (const c of [...runtime.containers.values()]) await runtime.removeContainer(c.id);
    const { deps, errors } = testDeps(runtime);
    expect(await stackStatsExecutor({}, ws.context('stack', 'stats'), deps)).toEqual({ success: false });
    expect(errors[0]).toBe('stack paws360 has no containers: start it with npm start');
  });

  it('invalid options name the option', async () => {
    const { deps, errors } = testDeps(runtime);
    expect(await stackStatsExecutor({ interval: 0 } as never, ws.context('stack', 'stats'), deps)).toEqual({ success: false });
    expect(errors[0]).toContain('Invalid options of stack-stats');
    expect(errors[0]).toContain('field "interval"');
  });
});
