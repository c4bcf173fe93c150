// Specs hand executors their own runtime, so the real one is never made: keep
// dockerode (slow to load) out of this suite.
jest.mock('../../runtime/dockerode-runtime', () => ({ DockerodeRuntime: jest.fn() }));

import type { InspectReport } from '../../kinds/kind';
import { TestWorkspace, serviceJson, testDeps } from '../../testing/executor-context';
import { fakeProbe } from '../../testing/fake-probe';
import { FakeRuntime } from '../../testing/fake-runtime';
import upExecutor from '../up/executor';
import inspectExecutor, { renderInspect } from './executor';

describe('inspect executor', () => {
  let ws: TestWorkspace;
  let runtime: FakeRuntime;
  const facts = { clusterId: 'cdf818194e3a8c32', leader: '8e9e05c52164694d', keys: 12, members: [{ id: 'a', name: 'etcd-1' }] };
  beforeEach(async () => {
    ws = TestWorkspace.create({ etcd: {} });
    runtime = new FakeRuntime();
    expect(await upExecutor({}, ws.context('etcd'), testDeps(runtime, { probe: () => fakeProbe() }).deps)).toEqual({ success: true });
  });
  afterEach(() => ws.dispose());

  it('prints the service, one row per member and the service-wide facts', async () => {
    runtime.setState('paws360-etcd-3', 'exited');
    const probe = fakeProbe({ facts });
    const { deps, logs } = testDeps(runtime, { probe: () => probe });
    expect(await inspectExecutor({}, ws.context('etcd', 'inspect'), deps)).toEqual({ success: true });
    expect(logs).toHaveLength(1);
    const lines = logs[0].split('\n');
    expect(lines[0]).toBe('etcd');
    expect(lines[1]).toMatch(/^member\s+state\s+role\s+endpoint$/);
    expect(lines[2]).toMatch(/^paws360-etcd-1\s+running\s+leader\s+127\.0\.0\.1:2379$/);
    expect(lines[4]).toMatch(/^paws360-etcd-3\s+exited\s+-\s+127\.0\.0\.1:2381$/);
    expect(logs[0]).toContain('\nclusterId: cdf818194e3a8c32\n');
    expect(logs[0]).toContain('\nkeys: 12\n');
    expect(logs[0]).toContain('members: [{"id":"a","name":"etcd-1"}]');
    // The probe saw the members as the engine reports them.
    expect(probe.contexts[0].members.map((m) => m.running)).toEqual([true, true, false]);
  });

  it('--json prints the report as one line', async () => {
    const { deps, logs } = testDeps(runtime, { probe: () => fakeProbe({ facts }) });
    expect(await inspectExecutor({ json: true }, ws.context('etcd', 'inspect'), deps)).toEqual({ success: true });
    expect(logs).toHaveLength(1);
    expect(logs[0]).not.toContain('\n');
    const report = JSON.parse(logs[0]) as InspectReport;
    expect(report.service).toBe('etcd');
    expect(report.rows).toHaveLength(3);
    expect(report.facts).toEqual({ ...facts, limits: { 'paws360-etcd-1': 'none', 'paws360-etcd-2': 'none', 'paws360-etcd-3': 'none' } });
  });

  it('shows the CPU and memory limits each member was created with, from service.json’s resources', async () => {
    const limited = TestWorkspace.create({ etcd: { config: serviceJson({ resources: { cpus: 0.5, memory: '256m' } }) } });
    try {
      const engine = new FakeRuntime();
      await upExecutor({}, limited.context('etcd'), testDeps(engine, { probe: () => fakeProbe() }).deps);
      const spec = engine.callsTo('createContainer')[0][0] as { limits: unknown };
      expect(spec.limits).toEqual({ nanoCpus: 500_000_000, memoryBytes: 256 * 1024 * 1024 });
      const { deps, logs } = testDeps(engine, { probe: () => fakeProbe({ facts }) });
      await inspectExecutor({ json: true }, limited.context('etcd', 'inspect'), deps);
      expect((JSON.parse(logs[0]) as InspectReport).facts.limits).toEqual({
        'paws360-etcd-1': 'cpus=0.5 memory=256m',
        'paws360-etcd-2': 'cpus=0.5 memory=256m',
        'paws360-etcd-3': 'cpus=0.5 memory=256m',
      });
    } finally {
      limited.dispose();
    }
  });

  it('engine down: success false, the probe is not asked', async () => {
    runtime.engineDown();
    const probe = fakeProbe();
    const { deps, errors } = testDeps(runtime, { probe: () => probe });
    expect(await inspectExecutor({}, ws.context('etcd', 'inspect'), deps)).toEqual({ success: false });
    expect(errors[0]).toMatch(/^Cannot reach the Docker engine/);
    expect(probe.contexts).toEqual([]);
  });

  it('invalid options: ConfigError naming the option', async () => {
    const { deps, errors } = testDeps(runtime, { probe: () => fakeProbe() });
    expect(await inspectExecutor({ format: 'json' } as never, ws.context('etcd', 'inspect'), deps)).toEqual({ success: false });
    expect(errors[0]).toContain('Invalid options of inspect');
    expect(errors[0]).toContain('field "format": unknown field');
  });

  it('renderInspect shows null/undefined as "-" and objects as JSON', () => {
    const text = renderInspect({
      service: 's',
      columns: ['a', 'b'],
      rows: [{ a: null, b: 1 }, { a: 'x', b: false }],
      facts: { none: null, list: [1, 2], text: 'hi' },
    });
    expect(text.split('\n')).toEqual(['s', 'a  b', '-  1', 'x  false', '', 'none: -', 'list: [1,2]', 'text: hi']);
  });
});
