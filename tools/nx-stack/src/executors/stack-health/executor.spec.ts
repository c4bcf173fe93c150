// Specs hand executors their own runtime, so the real one is never made: keep
// dockerode (slow to load) out of this suite.
jest.mock('../../runtime/dockerode-runtime', () => ({ DockerodeRuntime: jest.fn() }));

import type { ServiceDefinition } from '../../core/service-config';
import { TestWorkspace, serviceJson, testDeps } from '../../testing/executor-context';
import { fakeProbe, type FakeProbe } from '../../testing/fake-probe';
import { FakeRuntime } from '../../testing/fake-runtime';
import upExecutor from '../up/executor';
import stackHealthExecutor from './executor';

describe('stack-health executor', () => {
  let ws: TestWorkspace;
  let runtime: FakeRuntime;
  beforeEach(async () => {
    ws = TestWorkspace.create({
      redis: { config: serviceJson({ description: 'redis', kind: 'redis', replicas: 2, ports: [{ name: 'redis', container: 6379, host: 6379 }] }) },
      etcd: {},
    });
    // A project that is not a service: no health to ask.
    ws.projects['nx-stack'] = { name: 'nx-stack', root: 'tools/nx-stack', tags: ['type:tool'] };
    ws.projects['stack'] = { name: 'stack', root: '.', tags: ['type:stack'] };
    runtime = new FakeRuntime();
    for (const name of ['etcd', 'redis']) {
      expect(await upExecutor({}, ws.context(name), testDeps(runtime, { probe: () => fakeProbe() }).deps)).toEqual({ success: true });
    }
  });
  afterEach(() => ws.dispose());

  const probes = (byService: Record<string, FakeProbe>) => (service: ServiceDefinition) => byService[service.name] ?? fakeProbe();

  it('probes every service and prints one table (services in name order) and one summary line', async () => {
    const { deps, logs, errors } = testDeps(runtime, { probe: probes({}) });
    expect(await stackHealthExecutor({}, ws.context('stack', 'health'), deps)).toEqual({ success: true });
    expect(errors).toEqual([]);
    expect(logs).toHaveLength(1);
    const lines = logs[0].split('\n');
    expect(lines[0]).toMatch(/SERVICE\s+COMPONENT/);
    expect(lines.slice(1, 6).map((l) => l.split(/\s+/).slice(1, 3).join(' '))).toEqual([
      'etcd paws360-etcd-1',
      'etcd paws360-etcd-2',
      'etcd paws360-etcd-3',
      'redis paws360-redis-1',
      'redis paws360-redis-2',
    ]);
    expect(lines[6]).toMatch(/^5\/5 components healthy \(\d+ ms\)$/);
  });

  it('any unhealthy component: success false and the count says so', async () => {
    runtime.setState('paws360-redis-2', 'exited');
    const { deps, logs } = testDeps(runtime, { probe: probes({}) });
    expect(await stackHealthExecutor({}, ws.context('stack', 'health'), deps)).toEqual({ success: false });
    expect(logs[0]).toMatch(/✗\s+redis\s+paws360-redis-2\s+-\s+container not running \(exited\)/);
    expect(logs[0]).toMatch(/\n4\/5 components healthy/);
  });

  it('--json prints one line: stack, healthy, durationMs and each service’s result', async () => {
    const etcd = fakeProbe({ problem: (view) => (view.member === 1 ? 'no leader' : undefined) });
    const { deps, logs } = testDeps(runtime, { probe: probes({ etcd }), env: {} });
    expect(await stackHealthExecutor({ json: true }, ws.context('stack', 'health'), deps)).toEqual({ success: false });
    expect(logs).toHaveLength(1);
    expect(logs[0]).not.toContain('\n');
    const parsed = JSON.parse(logs[0]);
    expect(Object.keys(parsed).sort()).toEqual(['durationMs', 'healthy', 'services', 'stack']);
    expect(parsed.stack).toBe('paws360');
    expect(parsed.healthy).toBe(false);
    expect(parsed.services.map((s: { service: string; healthy: boolean }) => [s.service, s.healthy])).toEqual([
      ['etcd', false],
      ['redis', true],
    ]);
    // An unhealthy verdict on a running member is confirmed by a second probe before it is reported.
    expect(etcd.rounds).toBe(2);
  });

  it('engine down: success false, no service is probed', async () => {
    runtime.engineDown();
    const probe = fakeProbe();
    const { deps, errors } = testDeps(runtime, { probe: () => probe });
    expect(await stackHealthExecutor({}, ws.context('stack', 'health'), deps)).toEqual({ success: false });
    expect(errors[0]).toMatch(/^Cannot reach the Docker engine/);
    expect(probe.rounds).toBe(0);
  });

  it('invalid options: ConfigError naming the option', async () => {
    const { deps, errors } = testDeps(runtime, { probe: probes({}) });
    expect(await stackHealthExecutor({ verbose: true } as never, ws.context('stack', 'health'), deps)).toEqual({ success: false });
    expect(errors[0]).toContain('Invalid options of stack-health');
    expect(errors[0]).toContain('field "verbose": unknown field');
  });
});
