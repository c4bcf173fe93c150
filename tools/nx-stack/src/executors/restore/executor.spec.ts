// Specs hand executors their own runtime, so the real one is never made.
jest.mock('../../runtime/dockerode-runtime', () => ({ DockerodeRuntime: jest.fn() }));

import { TestWorkspace, serviceJson, testDeps } from '../../testing/executor-context';
import { fakeProbe } from '../../testing/fake-probe';
import { FakeRuntime } from '../../testing/fake-runtime';
import restoreExecutor, { restoreOptions } from './executor';

describe('restore executor', () => {
  let ws: TestWorkspace;
  let runtime: FakeRuntime;
  beforeEach(() => {
    ws = TestWorkspace.create({
      // Declared dependent-first: restore must still start the dependency first.
      db: { config: serviceJson({ replicas: 2, dependsOn: ['dcs'], ports: [{ name: 'pg', container: 5432, host: 15432 }] }) },
      dcs: {},
    });
    ws.projects.stack = { name: 'stack', root: '.', tags: ['type:stack'] };
    runtime = new FakeRuntime();
  });
  afterEach(() => ws.dispose());

  const restore = async () => {
    const { deps, logs, errors } = testDeps(runtime, { probe: () => fakeProbe() });
    const result = await restoreExecutor({}, ws.context('stack', 'restore'), deps);
    return { result, logs, errors };
  };

  it('brings a stack that is not there up in dependency order', async () => {
    const { result, logs } = await restore();
    expect(result).toEqual({ success: true });
    const created = runtime.callsTo('createContainer').map(([spec]) => (spec as { name: string }).name);
    expect(created.slice(0, 3).sort()).toEqual(['paws360-dcs-1', 'paws360-dcs-2', 'paws360-dcs-3']);
    expect(created.slice(3).sort()).toEqual(['paws360-db-1', 'paws360-db-2']);
    expect(logs.join('\n')).toContain('5/5 components healthy');
  });

  it('repairs what a simulation left behind: a stopped member and a disconnected one', async () => {
    await restore();
    await runtime.killContainer(runtime.container('paws360-dcs-2').id);
    await runtime.disconnectNetwork('paws360-backend', runtime.container('paws360-db-1').id);
    runtime.resetCalls();

    const { result, logs } = await restore();
    expect(result).toEqual({ success: true });
    expect(runtime.container('paws360-dcs-2').state).toBe('running');
    expect(runtime.container('paws360-db-1').networks.has('paws360-backend')).toBe(true);
    expect(runtime.callsTo('createContainer')).toEqual([]);
    expect(logs[logs.length - 1]).toMatch(/stack restored in [\d.]+s: .*paws360-dcs-2 \(start\).*/);
    expect(logs[logs.length - 1]).toContain('paws360-db-1 (reconnect)');
  });

  it('a healthy stack needs no repair', async () => {
    await restore();
    const { logs } = await restore();
    expect(logs[logs.length - 1]).toMatch(/nothing needed repair$/);
  });

  it('a service that cannot become healthy fails the restore with its reason', async () => {
    const { deps, errors } = testDeps(runtime, {
      probe: (service) => fakeProbe({ problem: (view) => (service.name === 'dcs' && view.member === 2 ? 'no leader' : undefined) }),
    });
    expect(await restoreExecutor({ timeoutSeconds: 0.2 }, ws.context('stack', 'restore'), deps)).toEqual({ success: false });
    expect(errors.join('\n')).toContain('dcs did not become healthy within 0.2s');
    expect(errors.join('\n')).toContain('paws360-dcs-2: no leader');
    // Its dependent was never started on an unhealthy dependency.
    expect(runtime.callsTo('createContainer').map(([spec]) => (spec as { name: string }).name)).not.toContain('paws360-db-1');
  });

  it('options are validated', () => {
    expect(restoreOptions.safeParse({ timeoutSeconds: -1 }).success).toBe(false);
    expect(restoreOptions.safeParse({ wipe: true }).success).toBe(false);
  });
});
