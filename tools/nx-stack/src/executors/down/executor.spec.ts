// Specs hand executors their own runtime, so the real one is never made: keep
// dockerode (slow to load) out of this suite.
jest.mock('../../runtime/dockerode-runtime', () => ({ DockerodeRuntime: jest.fn() }));

import { TestWorkspace, serviceJson, testDeps } from '../../testing/executor-context';
import { fakeProbe } from '../../testing/fake-probe';
import { FakeRuntime } from '../../testing/fake-runtime';
import upExecutor from '../up/executor';
import type { TaskGraph } from '@nx/devkit';
import downExecutor, { batch, dependentsFirst } from './executor';
import { batchOf } from '../batch';

const VOLUMES = ['paws360-etcd-1-data', 'paws360-etcd-2-data', 'paws360-etcd-3-data'];

describe('down executor', () => {
  let ws: TestWorkspace;
  let runtime: FakeRuntime;
  beforeEach(async () => {
    ws = TestWorkspace.create({ etcd: {} });
    runtime = new FakeRuntime();
    expect(await upExecutor({}, ws.context('etcd'), testDeps(runtime, { probe: () => fakeProbe() }).deps)).toEqual({ success: true });
    runtime.resetCalls();
  });
  afterEach(() => ws.dispose());

  it('stops (with the service’s grace period) and removes every container, keeps the volumes', async () => {
    const { deps, logs } = testDeps(runtime);
    const ids = [...runtime.containers.keys()].sort();
    expect(await downExecutor({}, ws.context('etcd', 'down'), deps)).toEqual({ success: true });
    expect(runtime.containers.size).toBe(0);
    expect(runtime.volumeNames()).toEqual(VOLUMES);
    expect(runtime.callsTo('stopContainer').map(([id, timeout]) => [id, timeout]).sort()).toEqual(ids.map((id) => [id, 3]));
    expect(runtime.callsTo('removeVolume')).toEqual([]);
    expect(logs).toEqual([
      'etcd: removed paws360-etcd-1, paws360-etcd-2, paws360-etcd-3',
      'etcd: volumes kept (use --wipe to remove them)',
    ]);
    // The last service going down takes the stack network with it.
    expect(runtime.networks.size).toBe(0);
  });

  it('in batch mode a service goes down after the services that depend on it (the reverse of start-up)', async () => {
    ws.addService('patroni', { config: serviceJson({ description: 'patroni', kind: 'patroni', dependsOn: ['etcd'], ports: [] }) });
    ws.addService('router', { config: serviceJson({ description: 'router', kind: 'router', replicas: 1, dependsOn: ['patroni'], ports: [] }) });
    const up = testDeps(runtime, { probe: () => fakeProbe() }).deps;
    expect(await upExecutor({}, ws.context('patroni'), up)).toEqual({ success: true });
    expect(await upExecutor({}, ws.context('router'), up)).toEqual({ success: true });
    runtime.resetCalls();
    const nameOf = new Map([...runtime.containers].map(([id, c]) => [id, c.name]));
    const task = (project: string) => ({ id: `${project}:down`, target: { project, target: 'down' }, overrides: {}, outputs: [], parallelism: true });
    // As Nx hands them over: no edges between down tasks, the dependencies' first.
    const taskGraph = {
      roots: ['etcd:down', 'patroni:down', 'router:down'],
      tasks: { 'etcd:down': task('etcd'), 'patroni:down': task('patroni'), 'router:down': task('router') },
      dependencies: { 'etcd:down': [], 'patroni:down': [], 'router:down': [] },
      continuousDependencies: {},
    } as unknown as TaskGraph;
    const context = { ...ws.context('etcd', 'down'), taskGraph };
    expect(dependentsFirst(taskGraph, context)).toEqual({ 'etcd:down': ['patroni:down'], 'patroni:down': ['router:down'], 'router:down': [] });
    const { deps } = testDeps(runtime);
    const run = batchOf(downExecutor, () => deps, { after: dependentsFirst });
    const results = [];
    for await (const result of run(taskGraph, { 'etcd:down': {}, 'patroni:down': {}, 'router:down': {} }, {}, context)) results.push(result);
    expect(results.map((r) => [r.task, r.result.success])).toEqual([
      ['router:down', true],
      ['patroni:down', true],
      ['etcd:down', true],
    ]);
    const stopped = runtime.callsTo('stopContainer').map(([id]) => String(nameOf.get(String(id))).replace(/-\d+$/, ''));
    expect([...new Set(stopped)]).toEqual(['paws360-router', 'paws360-patroni', 'paws360-etcd']);
    expect(runtime.containers.size).toBe(0);
    // The exported batch is the same, with the real deps.
    expect(typeof batch).toBe('function');
  });

  it('--wipe also removes the service’s volumes', async () => {
    const { deps, logs } = testDeps(runtime);
    expect(await downExecutor({ wipe: true }, ws.context('etcd', 'down'), deps)).toEqual({ success: true });
    expect(runtime.volumes.size).toBe(0);
    expect(logs[1]).toBe(`etcd: removed volumes ${VOLUMES.join(', ')}`);
  });

  it('is idempotent: down on a stopped service succeeds and says there was nothing to remove', async () => {
    await downExecutor({}, ws.context('etcd', 'down'), testDeps(runtime).deps);
    const { deps, logs } = testDeps(runtime);
    expect(await downExecutor({}, ws.context('etcd', 'down'), deps)).toEqual({ success: true });
    expect(logs[0]).toBe('etcd: no containers to remove');
    expect(runtime.volumeNames()).toEqual(VOLUMES);
    const wiped = testDeps(runtime);
    expect(await downExecutor({ wipe: true }, ws.context('etcd', 'down'), wiped.deps)).toEqual({ success: true });
    expect(await downExecutor({ wipe: true }, ws.context('etcd', 'down'), wiped.deps)).toEqual({ success: true });
    expect(wiped.logs[wiped.logs.length - 1]).toBe('etcd: removed volumes (none)');
  });

  it('touches only its own service: other services’ containers, volumes and the shared network stay', async () => {
    ws.addService('redis', { config: serviceJson({ description: 'redis', kind: 'redis', ports: [{ name: 'redis', container: 6379, host: 6379 }] }) });
    await upExecutor({}, ws.context('redis'), testDeps(runtime, { probe: () => fakeProbe() }).deps);
    expect(await downExecutor({ wipe: true }, ws.context('etcd', 'down'), testDeps(runtime).deps)).toEqual({ success: true });
    expect(runtime.containerNames()).toEqual(['paws360-redis-1', 'paws360-redis-2', 'paws360-redis-3']);
    expect(runtime.volumeNames()).toEqual(['paws360-redis-1-data', 'paws360-redis-2-data', 'paws360-redis-3-data']);
    expect([...runtime.networks.keys()]).toEqual(['paws360-backend']);
  });

  it('engine down: success false with the engine message', async () => {
    runtime.engineDown();
    const { deps, errors } = testDeps(runtime);
    expect(await downExecutor({}, ws.context('etcd', 'down'), deps)).toEqual({ success: false });
    expect(errors[0]).toMatch(/^Cannot reach the Docker engine/);
  });

  it('a failing removal is reported naming the operation', async () => {
    runtime.failOn('removeContainer', 2);
    const { deps, errors } = testDeps(runtime);
    expect(await downExecutor({}, ws.context('etcd', 'down'), deps)).toEqual({ success: false });
    expect(errors[0]).toMatch(/^removeContainer \w+ failed: injected failure$/);
  });

  it.each([
    [{ wipe: 'yes' }, 'field "wipe"', 'expected boolean'],
    [{ volumes: true }, 'field "volumes"', 'unknown field'],
  ])('invalid options %p: ConfigError naming the option', async (options, field, expected) => {
    const { deps, errors } = testDeps(runtime);
    expect(await downExecutor(options as never, ws.context('etcd', 'down'), deps)).toEqual({ success: false });
    expect(errors[0]).toContain('Invalid options of down');
    expect(errors[0]).toContain(field);
    expect(errors[0]).toContain(expected);
    expect(runtime.containers.size).toBe(3);
  });
});
