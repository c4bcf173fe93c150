// Specs hand executors their own runtime, so the real one is never made: keep
// dockerode (slow to load) out of this suite.
jest.mock('../../runtime/dockerode-runtime', () => ({ DockerodeRuntime: jest.fn() }));

import { TestWorkspace, testDeps } from '../../testing/executor-context';
import { fakeProbe } from '../../testing/fake-probe';
import { FakeRuntime } from '../../testing/fake-runtime';
import upExecutor from '../up/executor';
import healthExecutor from './executor';

const MEMBERS = ['paws360-etcd-1', 'paws360-etcd-2', 'paws360-etcd-3'];

describe('health executor', () => {
  let ws: TestWorkspace;
  let runtime: FakeRuntime;
  beforeEach(async () => {
    ws = TestWorkspace.create({ etcd: {} });
    runtime = new FakeRuntime();
    expect(await upExecutor({}, ws.context('etcd'), testDeps(runtime, { probe: () => fakeProbe() }).deps)).toEqual({ success: true });
  });
  afterEach(() => ws.dispose());

  it('prints a table (one row per member) and the summary line; success when all are healthy', async () => {
    const { deps, logs, errors } = testDeps(runtime, { probe: () => fakeProbe() });
    expect(await healthExecutor({}, ws.context('etcd', 'health'), deps)).toEqual({ success: true });
    expect(errors).toEqual([]);
    expect(logs).toHaveLength(1);
    const lines = logs[0].split('\n');
    expect(lines[0]).toMatch(/^\s+SERVICE\s+COMPONENT\s+ROLE\s+DETAIL$/);
    expect(lines.slice(1, 4)).toEqual([
      expect.stringMatching(/^✓\s+etcd\s+paws360-etcd-1\s+leader\s+member 1 ok$/),
      expect.stringMatching(/^✓\s+etcd\s+paws360-etcd-2\s+follower\s+member 2 ok$/),
      expect.stringMatching(/^✓\s+etcd\s+paws360-etcd-3\s+follower\s+member 3 ok$/),
    ]);
    expect(lines[4]).toMatch(/^3\/3 components healthy \(\d+ ms\)$/);
    expect(lines).toHaveLength(5);
  });

  it('--json prints exactly one line of JSON: service, healthy, durationMs, components', async () => {
    const { deps, logs } = testDeps(runtime, { probe: () => fakeProbe() });
    expect(await healthExecutor({ json: true }, ws.context('etcd', 'health'), deps)).toEqual({ success: true });
    expect(logs).toHaveLength(1);
    expect(logs[0]).not.toContain('\n');
    const parsed = JSON.parse(logs[0]);
    expect(Object.keys(parsed).sort()).toEqual(['components', 'durationMs', 'healthy', 'service']);
    expect(parsed).toMatchObject({ service: 'etcd', healthy: true });
    expect(typeof parsed.durationMs).toBe('number');
    expect(parsed.components.map((c: { name: string }) => c.name)).toEqual(MEMBERS);
    expect(parsed.components[0]).toEqual({ name: 'paws360-etcd-1', status: 'healthy', role: 'leader', detail: 'member 1 ok', serving: true });
  });

  it('one unhealthy member: success false, it is marked ✗ with its detail, 2/3 healthy', async () => {
    const probe = fakeProbe({ problem: (view) => (view.member === 3 ? 'at revision 7, leader at 9' : undefined) });
    const { deps, logs } = testDeps(runtime, { probe: () => probe });
    expect(await healthExecutor({}, ws.context('etcd', 'health'), deps)).toEqual({ success: false });
    expect(logs[0]).toMatch(/✗\s+etcd\s+paws360-etcd-3\s+follower\s+at revision 7, leader at 9/);
    expect(logs[0]).toMatch(/\n2\/3 components healthy \(\d+ ms\)$/);
  });

  it('--json with an unhealthy member: healthy false, still one line, success false', async () => {
    const probe = fakeProbe({ problem: (view) => (view.member === 2 ? 'no leader' : undefined) });
    const { deps, logs } = testDeps(runtime, { probe: () => probe });
    expect(await healthExecutor({ json: true }, ws.context('etcd', 'health'), deps)).toEqual({ success: false });
    expect(logs).toHaveLength(1);
    const parsed = JSON.parse(logs[0]);
    expect(parsed.healthy).toBe(false);
    expect(parsed.components[1]).toMatchObject({ status: 'unhealthy', detail: 'no leader' });
  });

  it('a stopped container is unhealthy with "container not running" (the real etcd probe, no network needed)', async () => {
    for (const name of MEMBERS) runtime.setState(name, 'exited');
    // No probe override: the executor picks the etcd probe by the service kind.
    const { deps, logs } = testDeps(runtime);
    expect(await healthExecutor({ json: true }, ws.context('etcd', 'health'), deps)).toEqual({ success: false });
    const parsed = JSON.parse(logs[0]);
    expect(parsed.components).toHaveLength(3);
    for (const component of parsed.components) {
      expect(component.status).toBe('unhealthy');
      expect(component.detail).toContain('container not running');
      expect(component.detail).toContain('exited');
    }
  });

  it('a missing container is unhealthy with "no container"', async () => {
    await runtime.removeContainer(runtime.container('paws360-etcd-2').id);
    const { deps, logs } = testDeps(runtime, { probe: () => fakeProbe() });
    expect(await healthExecutor({}, ws.context('etcd', 'health'), deps)).toEqual({ success: false });
    expect(logs[0]).toMatch(/✗\s+etcd\s+paws360-etcd-2\s+-\s+no container \(run up\)/);
  });

  it('engine down: success false with the engine message', async () => {
    runtime.engineDown();
    const { deps, errors, logs } = testDeps(runtime, { probe: () => fakeProbe() });
    expect(await healthExecutor({ json: true }, ws.context('etcd', 'health'), deps)).toEqual({ success: false });
    expect(errors[0]).toMatch(/^Cannot reach the Docker engine/);
    expect(logs).toEqual([]);
  });

  it('invalid options: ConfigError naming the option', async () => {
    const { deps, errors } = testDeps(runtime, { probe: () => fakeProbe() });
    expect(await healthExecutor({ json: 'true' } as never, ws.context('etcd', 'health'), deps)).toEqual({ success: false });
    expect(errors[0]).toContain('Invalid options of health');
    expect(errors[0]).toContain('field "json": Invalid input: expected boolean');
  });
});
