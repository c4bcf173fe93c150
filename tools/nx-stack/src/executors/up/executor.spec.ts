// Specs hand executors their own runtime, so the real one is never made: keep
// dockerode (slow to load) out of this suite.
jest.mock('../../runtime/dockerode-runtime', () => ({ DockerodeRuntime: jest.fn() }));

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TestWorkspace, serviceJson, testDeps } from '../../testing/executor-context';
import { fakeProbe } from '../../testing/fake-probe';
import { FakeRuntime } from '../../testing/fake-runtime';
import type { TaskGraph } from '@nx/devkit';
import { batchOf } from '../batch';
import upExecutor, { prewarmImages } from './executor';

const MEMBERS = ['paws360-etcd-1', 'paws360-etcd-2', 'paws360-etcd-3'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('up executor', () => {
  let ws: TestWorkspace;
  let runtime: FakeRuntime;
  beforeEach(() => {
    ws = TestWorkspace.create({ etcd: {} });
    runtime = new FakeRuntime();
  });
  afterEach(() => ws.dispose());

  it('starts the service and prints its health table and how long it took', async () => {
    const { deps, logs, errors } = testDeps(runtime, { probe: () => fakeProbe() });
    const result = await upExecutor({}, ws.context('etcd'), deps);
    expect(errors).toEqual([]);
    expect(result).toEqual({ success: true });
    expect(runtime.containerNames()).toEqual(MEMBERS);
    expect(runtime.volumeNames()).toHaveLength(3);
    const table = logs.find((l) => l.includes('COMPONENT'));
    expect(table).toBeDefined();
    for (const member of MEMBERS) expect(table).toContain(member);
    expect(table).toMatch(/\n3\/3 components healthy \(\d+ ms\)$/);
    expect(logs[logs.length - 1]).toMatch(/^etcd: up in \d+\.\ds$/);
  });

  it('is idempotent: a second run keeps every container', async () => {
    const { deps } = testDeps(runtime, { probe: () => fakeProbe() });
    await upExecutor({}, ws.context('etcd'), deps);
    const before = [...runtime.containers.keys()].sort();
    runtime.resetCalls();
    expect(await upExecutor({}, ws.context('etcd'), deps)).toEqual({ success: true });
    expect([...runtime.containers.keys()].sort()).toEqual(before);
    expect(runtime.callsTo('createContainer')).toEqual([]);
    expect(runtime.callsTo('buildImage')).toEqual([]);
  });

  it('uses the stack name from the environment (PAWS360_STACK)', async () => {
    const { deps } = testDeps(runtime, { probe: () => fakeProbe(), env: { PAWS360_STACK: 'second' } });
    expect(await upExecutor({}, ws.context('etcd'), deps)).toEqual({ success: true });
    expect(runtime.containerNames()).toEqual(['second-etcd-1', 'second-etcd-2', 'second-etcd-3']);
    expect([...runtime.networks.keys()]).toEqual(['second-backend']);
  });

  it('stack and portOffset options win over the env (the pipeline deploys to its staging stack this way)', async () => {
    const { deps } = testDeps(runtime, { probe: () => fakeProbe(), env: { PAWS360_STACK: 'dev', PAWS360_PORT_OFFSET: '5' } });
    expect(await upExecutor({ stack: 'staging', portOffset: 10000 }, ws.context('etcd'), deps)).toEqual({ success: true });
    expect(runtime.containerNames()).toEqual(['staging-etcd-1', 'staging-etcd-2', 'staging-etcd-3']);
    const ports = runtime.callsTo('createContainer').map(([spec]) => (spec as { ports: Array<{ host: number }> }).ports[0].host);
    expect(ports.sort()).toEqual([12379, 12380, 12381]);
    expect(existsSync(join(ws.root, '.paws360', 'dev.env'))).toBe(false);
  });

  it('an invalid stack option is refused before anything is created', async () => {
    const { deps, errors } = testDeps(runtime, { probe: () => fakeProbe() });
    expect(await upExecutor({ stack: 'Bad Name' }, ws.context('etcd'), deps)).toEqual({ success: false });
    expect(errors.join('\n')).toContain('field "stack"');
    expect(runtime.containerNames()).toEqual([]);
  });

  it('a busy port: success false, the error names the port and its env var, nothing is created', async () => {
    const { deps, errors } = testDeps(runtime, { probe: () => fakeProbe(), portFree: async (port) => port !== 2379 });
    expect(await upExecutor({}, ws.context('etcd'), deps)).toEqual({ success: false });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('Port 2379 required for its "client" port (etcd member 1) is already in use');
    expect(errors[0]).toContain('Set PAWS360_ETCD_CLIENT_PORT to move it.');
    expect(errors[0]).toMatch(/Nothing was created\.$/);
    // A known failure is reported by its message alone, without a stack trace.
    expect(errors[0]).not.toMatch(/\n\s+at /);
    expect(runtime.containers.size).toBe(0);
    expect(runtime.volumes.size).toBe(0);
  });

  it('engine down: success false with a message that says how to start it', async () => {
    runtime.engineDown();
    const { deps, errors } = testDeps(runtime, { probe: () => fakeProbe() });
    expect(await upExecutor({}, ws.context('etcd'), deps)).toEqual({ success: false });
    expect(errors[0]).toMatch(/^Cannot reach the Docker engine at unix:\/\/\/fake\/docker\.sock/);
    expect(errors[0]).toContain('DOCKER_HOST');
  });

  it('a dependency that is not healthy: success false naming it; nothing of the service is created', async () => {
    ws.addService('patroni', { config: serviceJson({ description: 'patroni', kind: 'patroni', dependsOn: ['etcd'], ports: [] }) });
    const { deps, errors } = testDeps(runtime, { probe: () => fakeProbe() });
    expect(await upExecutor({}, ws.context('patroni'), deps)).toEqual({ success: false });
    expect(errors[0]).toContain('Cannot start patroni: it depends on etcd, which is not running');
    expect(runtime.containers.size).toBe(0);
    expect(runtime.volumes.size).toBe(0);
  });

  it('starts once its dependency is up', async () => {
    ws.addService('patroni', { config: serviceJson({ description: 'patroni', kind: 'patroni', dependsOn: ['etcd'], ports: [] }) });
    const { deps, errors } = testDeps(runtime, { probe: () => fakeProbe() });
    await upExecutor({}, ws.context('etcd'), deps);
    expect(await upExecutor({}, ws.context('patroni'), deps)).toEqual({ success: true });
    expect(errors).toEqual([]);
    expect(runtime.containerNames().filter((n) => n.includes('patroni'))).toHaveLength(3);
  });

  it('in Nx batch mode, the run’s first tasks start together in one worker without finding each other’s port probes', async () => {
    // etcd and a second cluster on other ports: both are first tasks of the run, and each checks every port of the run.
    ws.addService('quorum', { config: serviceJson({ description: 'second cluster', ports: [{ name: 'client', container: 2379, host: 3379 }] }) });
    const probing = new Set<number>();
    // A real probe binds the port for a moment: a second probe of the same port meanwhile finds it taken.
    const portFree = async (port: number) => {
      if (probing.has(port)) return false;
      probing.add(port);
      await sleep(2);
      probing.delete(port);
      return true;
    };
    const { deps, logs } = testDeps(runtime, { probe: () => fakeProbe(), portFree });
    const task = (project: string) => ({ id: `${project}:up`, target: { project, target: 'up' }, overrides: {}, outputs: [], parallelism: true });
    const taskGraph = {
      roots: ['etcd:up', 'quorum:up'],
      tasks: { 'etcd:up': task('etcd'), 'quorum:up': task('quorum') },
      dependencies: { 'etcd:up': [], 'quorum:up': [] },
      continuousDependencies: {},
    } as unknown as TaskGraph;
    const context = { ...ws.context('etcd'), taskGraph };
    const results = [];
    for await (const result of batchOf(upExecutor, () => deps)(taskGraph, { 'etcd:up': {}, 'quorum:up': {} }, {}, context)) results.push(result);
    expect(results.map((r) => [r.task, r.result.success, r.result.terminalOutput.includes('already in use')])).toEqual(
      expect.arrayContaining([
        ['etcd:up', true, false],
        ['quorum:up', true, false],
      ]),
    );
    expect(runtime.containerNames()).toHaveLength(6);
    expect(logs).toEqual([]);
  });

  it('in batch mode every task’s image is built at the start, side by side, not once the chain reaches it', async () => {
    ws.addService('patroni', { config: serviceJson({ description: 'patroni', kind: 'patroni', dependsOn: ['etcd'], ports: [] }) });
    runtime.latencyMs.buildImage = 20;
    const { deps } = testDeps(runtime, { probe: () => fakeProbe() });
    const task = (project: string) => ({ id: `${project}:up`, target: { project, target: 'up' }, overrides: {}, outputs: [], parallelism: true });
    const taskGraph = {
      roots: ['etcd:up'],
      tasks: { 'etcd:up': task('etcd'), 'patroni:up': task('patroni') },
      dependencies: { 'etcd:up': [], 'patroni:up': ['etcd:up'] },
      continuousDependencies: {},
    } as unknown as TaskGraph;
    const results = [];
    const run = batchOf(upExecutor, () => deps, { prepare: prewarmImages });
    for await (const result of run(taskGraph, { 'etcd:up': {}, 'patroni:up': {} }, {}, { ...ws.context('etcd'), taskGraph })) results.push(result);
    expect(results.map((r) => [r.task, r.result.success])).toEqual([
      ['etcd:up', true],
      ['patroni:up', true],
    ]);
    // Both builds before etcd's first container, one build each: patroni's up joined its build.
    const order = runtime.calls.map((c) => c.method).filter((m) => m === 'buildImage' || m === 'createContainer');
    expect(order.slice(0, 3)).toEqual(['buildImage', 'buildImage', 'createContainer']);
    expect(runtime.builds.map((b) => b.labels[Object.keys(b.labels)[0]]).sort()).toEqual(['etcd', 'patroni']);
    expect(results[1].result.terminalOutput).toMatch(/patroni: (built image|image .* is up to date)/);
  });

  it('a createContainer failure on member 2 rolls back this run’s containers and volumes', async () => {
    runtime.latencyMs.createContainer = 10;
    runtime.failOn('createContainer', 2);
    const { deps, errors } = testDeps(runtime, { probe: () => fakeProbe() });
    expect(await upExecutor({}, ws.context('etcd'), deps)).toEqual({ success: false });
    expect(errors[0]).toBe('createContainer paws360-etcd-2 failed: injected failure');
    await sleep(25);
    expect(runtime.containers.size).toBe(0);
    expect(runtime.volumes.size).toBe(0);
  });

  it('health timeout: success false, the error has the probe detail and the member’s last log lines', async () => {
    runtime.setLogs('paws360-etcd-1', 'starting\nrafthttp: failed to dial peer etcd-2\n');
    const probe = fakeProbe({ problem: (view) => (view.member === 1 ? 'no leader' : undefined) });
    const { deps, errors } = testDeps(runtime, { probe: () => probe });
    expect(await upExecutor({ timeoutSeconds: 0.03 }, ws.context('etcd'), deps)).toEqual({ success: false });
    expect(errors[0]).toContain('etcd did not become healthy within 0.03s (2/3 components healthy)');
    expect(errors[0]).toContain('✗ paws360-etcd-1: no leader');
    expect(errors[0]).toContain('rafthttp: failed to dial peer etcd-2');
  });

  it.each([
    [{ timeoutSeconds: -5 }, 'field "timeoutSeconds"', 'expected number to be >0'],
    [{ timeoutSeconds: 'soon' }, 'field "timeoutSeconds"', 'expected number'],
    [{ forceRecreate: 'yes' }, 'field "forceRecreate"', 'expected boolean'],
    [{ recreate: true }, 'field "recreate"', 'unknown field'],
  ])('invalid options %p: a ConfigError naming the option; the engine is not touched', async (options, field, expected) => {
    const { deps, errors } = testDeps(runtime, { probe: () => fakeProbe() });
    expect(await upExecutor(options as never, ws.context('etcd'), deps)).toEqual({ success: false });
    expect(errors[0]).toContain('Invalid options of up');
    expect(errors[0]).toContain(field);
    expect(errors[0]).toContain(expected);
    expect(runtime.calls).toEqual([]);
  });

  it('an invalid service.json: success false naming the file and the field', async () => {
    ws.writeServiceJson('etcd', serviceJson({ replicas: 12 }));
    const { deps, errors } = testDeps(runtime, { probe: () => fakeProbe() });
    expect(await upExecutor({}, ws.context('etcd'), deps)).toEqual({ success: false });
    expect(errors[0]).toContain('infrastructure/etcd/service.json');
    expect(errors[0]).toContain('field "replicas"');
    expect(runtime.calls).toEqual([]);
  });
});
