import { loadService } from '../core/load-service';
import type { ServiceDefinition } from '../core/service-config';
import { EngineUnavailableError, RuntimeOperationError } from '../runtime/runtime-errors';
import { CollectingStream, TestWorkspace, serviceJson } from '../testing/executor-context';
import { fakeProbe, type FakeProbe } from '../testing/fake-probe';
import { FakeRuntime } from '../testing/fake-runtime';
import { Progress } from '../core/progress';
import { LABELS } from '../core/naming';
import { secretsFile, secretsFingerprint } from '../core/secrets';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { StackError } from '../core/errors';
import { DependencyUnhealthyError, PortBusyError } from './lifecycle-errors';
import { upService, type UpDeps } from './up';

const MEMBERS = ['paws360-etcd-1', 'paws360-etcd-2', 'paws360-etcd-3'];
const VOLUMES = ['paws360-etcd-1-data', 'paws360-etcd-2-data', 'paws360-etcd-3-data'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('upService', () => {
  let ws: TestWorkspace;
  let runtime: FakeRuntime;
  let probe: FakeProbe;
  let logs: string[];
  let progressOut: CollectingStream;

  beforeEach(() => {
    ws = TestWorkspace.create({ etcd: {} });
    runtime = new FakeRuntime();
    probe = fakeProbe();
    logs = [];
    progressOut = new CollectingStream();
  });
  afterEach(() => ws.dispose());

  const etcd = () => loadService(ws.root, 'infrastructure/etcd');
  const deps = (overrides: Partial<UpDeps> = {}): UpDeps => ({
    runtime,
    workspaceRoot: ws.root,
    stack: 'paws360',
    env: {},
    probe: () => probe,
    log: (line) => logs.push(line),
    progress: new Progress(progressOut, false),
    pollMs: 1,
    portFree: async () => true,
    ...overrides,
  });
  const up = (service: ServiceDefinition = etcd(), options: Partial<Parameters<typeof upService>[2]> = {}, d = deps()) =>
    upService(d, service, { dependencies: [], ...options });
  const idsByName = () => Object.fromEntries([...runtime.containers.values()].map((c) => [c.name, c.id]));

  it('first up: builds the image, creates the network, volumes and members, starts them and waits until healthy', async () => {
    const result = await up();
    expect(result.imageBuilt).toBe(true);
    expect(result.image).toMatch(/^paws360\/etcd:[0-9a-f]{12}$/);
    expect(result.actions).toEqual(Object.fromEntries(MEMBERS.map((m) => [m, 'create'])));
    expect(result.health.healthy).toBe(true);
    expect(result.health.components.map((c) => c.name)).toEqual(MEMBERS);

    expect([...runtime.networks.keys()]).toEqual(['paws360-backend']);
    expect(runtime.volumeNames()).toEqual(VOLUMES);
    expect(runtime.volumes.get('paws360-etcd-2-data')!.labels).toEqual({
      [LABELS.stack]: 'paws360',
      [LABELS.service]: 'etcd',
      [LABELS.member]: '2',
    });
    expect(runtime.containerNames()).toEqual(MEMBERS);
    for (const name of MEMBERS) {
      const container = runtime.container(name);
      expect(container.state).toBe('running');
      expect(container.spec.image).toBe(result.image);
    }
    expect(runtime.callsTo('startContainer')).toHaveLength(3);
    // Ports published per member on 127.0.0.1 (the runtime's job), from 2379 up.
    expect(runtime.container('paws360-etcd-3').spec.ports).toEqual([{ container: 2379, host: 2381 }]);
    expect(logs).toContain(`etcd: ${MEMBERS.map((m) => `${m} (create)`).join(', ')}`);
    expect(logs.some((l) => /^etcd: built image paws360\/etcd:\w+ in \d+\.\ds$/.test(l))).toBe(true);
    expect(progressOut.text()).toMatch(/etcd: 3\/3 healthy after \d+\.\ds\n$/);
  });

  it('second up with unchanged config keeps every member: no build, nothing created, removed or started', async () => {
    await up();
    const ids = idsByName();
    runtime.resetCalls();
    const result = await up();
    expect(result.imageBuilt).toBe(false);
    expect(result.actions).toEqual(Object.fromEntries(MEMBERS.map((m) => [m, 'keep'])));
    expect(idsByName()).toEqual(ids);
    for (const method of ['buildImage', 'createContainer', 'removeContainer', 'startContainer', 'stopContainer', 'removeVolume'] as const) {
      expect(runtime.callsTo(method)).toEqual([]);
    }
    expect(runtime.callsTo('ensureVolume')).toEqual([]);
    expect(logs).toContain(`etcd: image ${result.image} is up to date`);
    expect(result.health.healthy).toBe(true);
  });

  it('a stack another checkout started is refused, naming that checkout and the setting that separates them; nothing changes', async () => {
    await up();
    const ids = idsByName();
    expect(runtime.container('paws360-etcd-1').labels[LABELS.checkout]).toBe(ws.root);
    runtime.resetCalls();
    const error = await up(etcd(), {}, deps({ workspaceRoot: '/home/dev/other-clone' })).catch((e: unknown) => e);
    expect((error as Error).name).toBe('ForeignCheckoutError');
    expect((error as Error).message).toContain(`Stack "paws360" (etcd) was started from another checkout, ${ws.root}`);
    expect((error as Error).message).toContain('PAWS360_STACK=<name>');
    expect((error as Error).message).toContain(`cd ${ws.root} && npx nx run-many -t down`);
    expect(idsByName()).toEqual(ids);
    expect(runtime.callsTo('createContainer')).toEqual([]);
    expect(runtime.callsTo('buildImage')).toEqual([]);
  });

  it('TC-023 a member that dies on start: up names the root cause from its log and removes what this run created', async () => {
    const start = runtime.startContainer.bind(runtime);
    jest.spyOn(runtime, 'startContainer').mockImplementation(async (id: string) => {
      await start(id);
      const container = [...runtime.containers.values()].find((c) => c.id === id);
      if (container?.name === 'paws360-etcd-2') {
        container.state = 'restarting';
        runtime.setLogs(container.name, 'etcd starting\n{"level":"fatal","msg":"invalid value \\"etcd-9=http://etcd-9:2380\\" for flag -initial-cluster"}\n');
      }
    });
    const error = await up().catch((e: unknown) => e);
    expect((error as Error).name).toBe('StartFailedError');
    expect((error as Error).message).toMatch(/^etcd failed to start — paws360-etcd-2: restarting: \{"level":"fatal","msg":"invalid value/);
    expect((error as Error).message).toContain('removed what this run created: 3 containers, 3 new volumes; fix the cause and run up again');
    expect(runtime.containerNames()).toEqual([]);
    expect(runtime.volumeNames()).toEqual([]);
  });

  it('a member whose config hash is stale is recreated, the others kept; its volume is reused', async () => {
    await up();
    const ids = idsByName();
    runtime.container('paws360-etcd-2').labels[LABELS.configHash] = 'made-by-an-older-config';
    runtime.resetCalls();
    const result = await up();
    expect(result.actions).toEqual({ 'paws360-etcd-1': 'keep', 'paws360-etcd-2': 'recreate', 'paws360-etcd-3': 'keep' });
    expect(runtime.callsTo('removeContainer')).toEqual([[ids['paws360-etcd-2']]]);
    expect(runtime.callsTo('createContainer')).toHaveLength(1);
    expect(idsByName()['paws360-etcd-1']).toBe(ids['paws360-etcd-1']);
    expect(idsByName()['paws360-etcd-2']).not.toBe(ids['paws360-etcd-2']);
    expect(runtime.container('paws360-etcd-2').state).toBe('running');
    expect(runtime.volumeNames()).toEqual(VOLUMES);
    expect(runtime.callsTo('removeVolume')).toEqual([]);
  });

  it('a changed service.json (env) recreates every member and keeps the data volumes', async () => {
    await up();
    const ids = idsByName();
    ws.writeServiceJson('etcd', serviceJson({ env: { ETCD_LOG_LEVEL: 'debug' } }));
    runtime.resetCalls();
    const result = await up();
    expect(Object.values(result.actions)).toEqual(['recreate', 'recreate', 'recreate']);
    // Only service.json changed, which is no image input: no rebuild.
    expect(result.imageBuilt).toBe(false);
    for (const name of MEMBERS) {
      expect(idsByName()[name]).not.toBe(ids[name]);
      expect(runtime.container(name).spec.env.ETCD_LOG_LEVEL).toBe('debug');
    }
    expect(runtime.volumeNames()).toEqual(VOLUMES);
  });

  it('a changed image input rebuilds and recreates', async () => {
    const first = await up();
    ws.writeFile('infrastructure/etcd/docker-entrypoint.sh', '#!/bin/sh\necho v2\nexec "$@"\n', 0o755);
    const second = await up();
    expect(second.imageBuilt).toBe(true);
    expect(second.image).not.toBe(first.image);
    expect(Object.values(second.actions)).toEqual(['recreate', 'recreate', 'recreate']);
  });

  it('a stopped member is started again, not recreated', async () => {
    await up();
    const ids = idsByName();
    runtime.setState('paws360-etcd-3', 'exited');
    runtime.resetCalls();
    const result = await up();
    expect(result.actions['paws360-etcd-3']).toBe('start');
    expect(result.actions['paws360-etcd-1']).toBe('keep');
    expect(runtime.callsTo('startContainer')).toEqual([[ids['paws360-etcd-3']]]);
    expect(runtime.callsTo('createContainer')).toEqual([]);
    expect(idsByName()).toEqual(ids);
    expect(runtime.container('paws360-etcd-3').state).toBe('running');
  });

  it('a member cut off from the stack network (a partition left behind) is attached again, not recreated', async () => {
    await up();
    const ids = idsByName();
    await runtime.disconnectNetwork('paws360-backend', ids['paws360-etcd-2']);
    runtime.resetCalls();
    const result = await up();
    expect(result.actions['paws360-etcd-2']).toBe('reconnect');
    expect(result.actions['paws360-etcd-1']).toBe('keep');
    expect(runtime.callsTo('connectNetwork')).toEqual([['paws360-backend', ids['paws360-etcd-2'], ['etcd-2']]]);
    expect(runtime.callsTo('createContainer')).toEqual([]);
    expect(idsByName()).toEqual(ids);
    expect(runtime.container('paws360-etcd-2').networks.has('paws360-backend')).toBe(true);
  });

  it('forceRecreate recreates members whose config is unchanged', async () => {
    await up();
    const ids = idsByName();
    const result = await up(etcd(), { forceRecreate: true });
    expect(Object.values(result.actions)).toEqual(['recreate', 'recreate', 'recreate']);
    for (const name of MEMBERS) expect(idsByName()[name]).not.toBe(ids[name]);
  });

  it('members above a lowered replica count are removed', async () => {
    await up();
    ws.writeServiceJson('etcd', serviceJson({ replicas: 1 }));
    const result = await up();
    expect(Object.keys(result.actions)).toEqual(['paws360-etcd-1']);
    expect(runtime.containerNames()).toEqual(['paws360-etcd-1']);
  });

  it('injects generated secrets (made once, kept in the workspace’s secrets file)', async () => {
    ws.writeServiceJson('etcd', serviceJson({ secrets: ['ROOT_PASSWORD'] }));
    await up();
    const password = runtime.container('paws360-etcd-1').spec.env.ROOT_PASSWORD;
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(runtime.container('paws360-etcd-3').spec.env.ROOT_PASSWORD).toBe(password);
    runtime.resetCalls();
    const again = await up();
    expect(Object.values(again.actions)).toEqual(['keep', 'keep', 'keep']);
    expect(secretsFile(ws.root, 'paws360')).toContain('.paws360');
  });

  describe('volumes and the passwords their data was made with', () => {
    // A kind whose data keeps its passwords (kinds/redis: dataKeepsSecrets), under the fixture's name.
    const withSecret = () => ws.writeServiceJson('etcd', serviceJson({ kind: 'redis', secrets: ['ROOT_PASSWORD'] }));
    const removeMembers = async () => {
      for (const id of Object.values(idsByName())) await runtime.removeContainer(id);
    };
    const refusal = async () => {
      runtime.resetCalls();
      const error = (await up().catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(StackError);
      expect(error.name).toBe('SecretsMismatchError');
      expect(runtime.callsTo('createContainer')).toEqual([]);
      expect(runtime.callsTo('ensureVolume')).toEqual([]);
      return error.message;
    };

    it('each volume is labelled with a fingerprint of the service’s passwords, never the passwords', async () => {
      withSecret();
      await up();
      const password = runtime.container('paws360-etcd-1').spec.env.ROOT_PASSWORD;
      const labels = runtime.volumes.get(VOLUMES[0])!.labels;
      expect(labels[LABELS.secrets]).toBe(secretsFingerprint({ ROOT_PASSWORD: password }));
      expect(labels[LABELS.secrets]).toMatch(/^ROOT_PASSWORD=[0-9a-f]{12}$/);
      expect(JSON.stringify(runtime.volumes.get(VOLUMES[0]))).not.toContain(password);
    });

    it('a regenerated password with the old volumes kept: refused before anything is created, naming the volumes, the file and --wipe', async () => {
      withSecret();
      await up();
      await removeMembers(); // down without --wipe
      const file = secretsFile(ws.root, 'paws360');
      writeFileSync(file, readFileSync(file, 'utf8').replace(/ROOT_PASSWORD=.*/, 'ROOT_PASSWORD=another-one'));
      const message = await refusal();
      expect(message).toContain(`Cannot start etcd: its volumes ${VOLUMES.join(', ')} were initialised with another ROOT_PASSWORD than`);
      expect(message).toContain('.paws360/paws360.env');
      expect(message).toContain('npx nx run etcd:down --wipe');
      expect(message).toContain('Nothing was created.');
    });

    it('a deleted secrets file is not regenerated while volumes made with the lost passwords remain', async () => {
      withSecret();
      await up();
      await removeMembers();
      const file = secretsFile(ws.root, 'paws360');
      const saved = readFileSync(file, 'utf8');
      rmSync(file);
      expect(await refusal()).toContain('were initialised with another ROOT_PASSWORD than');
      expect(() => readFileSync(file)).toThrow();
      // The file put back: up starts on the same volumes again.
      writeFileSync(file, saved);
      const again = await up();
      expect(Object.values(again.actions)).toEqual(['create', 'create', 'create']);
    });

    it('a password the service gained since its volumes were made is generated, and the volumes start as they are', async () => {
      withSecret();
      await up();
      await removeMembers();
      ws.writeServiceJson('etcd', serviceJson({ kind: 'redis', secrets: ['ROOT_PASSWORD', 'APP_PASSWORD'] }));
      const again = await up();
      expect(Object.values(again.actions)).toEqual(['create', 'create', 'create']);
      expect(runtime.container('paws360-etcd-1').spec.env.APP_PASSWORD).toMatch(/^[A-Za-z0-9_-]{32}$/);
      // The old volumes keep their label; the old password still has to match it.
      await removeMembers();
      const file = secretsFile(ws.root, 'paws360');
      writeFileSync(file, readFileSync(file, 'utf8').replace(/ROOT_PASSWORD=.*/, 'ROOT_PASSWORD=another-one'));
      expect(await refusal()).toContain('were initialised with another ROOT_PASSWORD than');
    });

    it('volumes from before the label are taken as they are', async () => {
      ws.writeServiceJson('etcd', serviceJson({ kind: 'redis' }));
      await up();
      expect(runtime.volumes.get(VOLUMES[0])!.labels[LABELS.secrets]).toBeUndefined();
      await removeMembers();
      withSecret();
      const again = await up();
      expect(Object.values(again.actions)).toEqual(['create', 'create', 'create']);
    });

    it('a kind whose data holds no password (etcd, Prometheus) is neither labelled nor checked', async () => {
      ws.writeServiceJson('etcd', serviceJson({ secrets: ['ROOT_PASSWORD'] }));
      await up();
      expect(runtime.volumes.get(VOLUMES[0])!.labels[LABELS.secrets]).toBeUndefined();
      await removeMembers();
      rmSync(secretsFile(ws.root, 'paws360'));
      runtime.resetCalls();
      const again = await up();
      expect(Object.values(again.actions)).toEqual(['create', 'create', 'create']);
      expect(runtime.callsTo('volumeLabels')).toEqual([]);
    });

    it('a healthy stack costs no volume look-up', async () => {
      withSecret();
      await up();
      runtime.resetCalls();
      await up();
      expect(runtime.callsTo('volumeLabels')).toEqual([]);
      expect(runtime.callsTo('listVolumes')).toEqual([]);
    });
  });

  it('a busy host port fails before anything is created, naming the port, the member and the env var', async () => {
    const checked: number[] = [];
    const portFree = async (port: number) => {
      checked.push(port);
      return port !== 2380;
    };
    const error = await up(etcd(), {}, deps({ portFree })).catch((e: Error) => e);
    expect(error).toBeInstanceOf(PortBusyError);
    expect((error as Error).message).toContain('2380 (for paws360-etcd-2; set PAWS360_ETCD_CLIENT_PORT to move it)');
    expect((error as Error).message).toContain('Nothing was created.');
    expect(checked).toEqual([2379, 2380, 2381]);
    expect(runtime.containers.size).toBe(0);
    expect(runtime.volumes.size).toBe(0);
    expect(runtime.networks.size).toBe(0);
    expect(runtime.callsTo('createContainer')).toEqual([]);
    expect(runtime.callsTo('ensureVolume')).toEqual([]);
  });

  it('ports of kept members are not checked (they hold them themselves)', async () => {
    await up();
    const checked: number[] = [];
    runtime.setState('paws360-etcd-2', 'exited');
    await up(etcd(), {}, deps({ portFree: async (port) => (checked.push(port), true) }));
    expect(checked).toEqual([2380]);
  });

  it('engine down: EngineUnavailableError before anything else is tried', async () => {
    runtime.engineDown();
    const error = await up().catch((e: Error) => e);
    expect(error).toBeInstanceOf(EngineUnavailableError);
    expect((error as Error).message).toMatch(/Cannot reach the Docker engine at .*Start Docker/s);
    expect(runtime.calls.map((c) => c.method)).toEqual(['ping']);
    expect(probe.rounds).toBe(0);
  });

  it('a dependency that was never started stops the start at once, naming it and its members; nothing is created', async () => {
    ws.addService('patroni', { config: serviceJson({ description: 'patroni', kind: 'patroni', dependsOn: ['etcd'] }) });
    const patroni = loadService(ws.root, 'infrastructure/patroni');
    // etcd has no containers at all: every member is reported absent.
    const error = await up(patroni, { dependencies: [etcd()] }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(DependencyUnhealthyError);
    const message = (error as Error).message;
    expect(message).toContain('Cannot start patroni: it depends on etcd, which is not running (0/3 components healthy)');
    expect(message).toContain('✗ paws360-etcd-1: no container (run up)');
    expect(message).toContain('npx nx run etcd:up');
    expect(runtime.containers.size).toBe(0);
    expect(runtime.volumes.size).toBe(0);
    expect(runtime.builds).toHaveLength(0);
  });

  it('a dependency ready for its dependents but not yet fully healthy (a replica still cloning) lets the service start', async () => {
    await up();
    // Member 3 of etcd falls behind: etcd is not healthy, but a quorum with its leader serves.
    const lagging = fakeProbe({ problem: (view) => (view.member === 3 ? 'catching up' : undefined) });
    ws.addService('patroni', { config: serviceJson({ description: 'patroni', kind: 'patroni', ports: [], dependsOn: ['etcd'] }) });
    const patroni = loadService(ws.root, 'infrastructure/patroni');
    const result = await up(patroni, { dependencies: [etcd()] }, deps({ probe: (s) => (s.name === 'etcd' ? lagging : probe) }));
    expect(result.health.healthy).toBe(true);
    expect(runtime.containerNames()).toContain('paws360-patroni-1');
  });

  it('a running dependency that never becomes ready fails after its start timeout, saying what it waited for', async () => {
    await up();
    ws.addService('etcd', { config: serviceJson({ startTimeoutSeconds: 0.05 }) });
    const noQuorum = fakeProbe({ problem: (view) => (view.member === 1 ? undefined : 'no leader'), serving: () => false });
    ws.addService('patroni', { config: serviceJson({ description: 'patroni', kind: 'patroni', ports: [], dependsOn: ['etcd'] }) });
    const patroni = loadService(ws.root, 'infrastructure/patroni');
    const error = await up(patroni, { dependencies: [etcd()] }, deps({ probe: () => noQuorum })).catch((e: Error) => e);
    expect(error).toBeInstanceOf(DependencyUnhealthyError);
    expect((error as Error).message).toContain('Cannot start patroni: it depends on etcd, which is not ready for its dependents');
    expect((error as DependencyUnhealthyError).cause).toBeInstanceOf(StackError);
    expect(((error as DependencyUnhealthyError).cause as Error).message).toMatch(/etcd did not become ready for its dependents \(0\/3 serving, 2 needed with a leader/);
    expect(runtime.containerNames().filter((n) => n.includes('patroni'))).toEqual([]);
  });

  it('until: ready returns as soon as dependents can start, before every member is healthy', async () => {
    probe = fakeProbe({ problem: (view) => (view.member === 3 ? 'still cloning' : undefined) });
    const result = await up(etcd(), { until: 'ready', timeoutSeconds: 5 });
    expect(result.until).toBe('ready');
    expect(result.readiness).toEqual({ ok: true, reason: 'quorum: 2/3 serving' });
    expect(result.health.healthy).toBe(false);
    expect(progressOut.text()).toMatch(/etcd: ready for its dependents after [\d.]+s \(quorum: 2\/3 serving; 2\/3 healthy\)/);
  });

  it('topology: each member is told its own members and its dependencies’ members and endpoints; the config hash follows', async () => {
    ws.addService('patroni', { config: serviceJson({ description: 'patroni', kind: 'patroni', ports: [], dependsOn: ['etcd'] }) });
    const patroni = loadService(ws.root, 'infrastructure/patroni');
    await up();
    await up(patroni, { dependencies: [etcd()] });
    const env = [...runtime.containers.values()].find((c) => c.name === 'paws360-patroni-2')!.spec.env;
    expect(env.PAWS360_MEMBERS).toBe('patroni-1,patroni-2,patroni-3');
    expect(env.PAWS360_ETCD_SERVICE).toBe('etcd');
    expect(env.PAWS360_ETCD_MEMBERS).toBe('etcd-1,etcd-2,etcd-3');
    expect(env.PAWS360_ETCD_CLIENT_ENDPOINTS).toBe('etcd-1:2379,etcd-2:2379,etcd-3:2379');
  });

  it('a healthy dependency lets the service start', async () => {
    await up();
    ws.addService('patroni', { config: serviceJson({ description: 'patroni', kind: 'patroni', ports: [], dependsOn: ['etcd'] }) });
    const patroni = loadService(ws.root, 'infrastructure/patroni');
    const result = await up(patroni, { dependencies: [etcd()] });
    expect(result.health.healthy).toBe(true);
    expect(runtime.containerNames()).toEqual([...MEMBERS, 'paws360-patroni-1', 'paws360-patroni-2', 'paws360-patroni-3'].sort());
  });

  it('createContainer failing on member 2 removes what this run created (containers and volumes) and names the operation', async () => {
    // On a real engine the creates overlap: the other members are still being created when member 2 fails.
    runtime.latencyMs.createContainer = 15;
    runtime.failOn('createContainer', 2);
    const error = await up().catch((e: Error) => e);
    expect(error).toBeInstanceOf(RuntimeOperationError);
    expect((error as Error).message).toBe('createContainer paws360-etcd-2 failed: injected failure');
    await sleep(40);
    expect(runtime.containers.size).toBe(0);
    expect(runtime.volumes.size).toBe(0);
    expect(runtime.callsTo('startContainer')).toEqual([]);
  });

  it('a start failure also rolls back the new containers and volumes', async () => {
    runtime.failOn('startContainer', 3);
    const error = await up().catch((e: Error) => e);
    expect((error as Error).message).toMatch(/^startContainer \w+ failed: injected failure$/);
    expect(runtime.containers.size).toBe(0);
    expect(runtime.volumes.size).toBe(0);
  });

  it('a rollback keeps what existed before the run (kept members, old volumes)', async () => {
    await up();
    runtime.container('paws360-etcd-3').labels[LABELS.configHash] = 'stale';
    runtime.failOn('createContainer', 1);
    await expect(up()).rejects.toThrow(/createContainer paws360-etcd-3 failed/);
    expect(runtime.containerNames()).toEqual(['paws360-etcd-1', 'paws360-etcd-2']);
    expect(runtime.volumeNames()).toEqual(VOLUMES);
  });

  it('waits (polling) until every member is healthy, reporting what it waits for when that changes', async () => {
    probe = fakeProbe({ problem: (view, round) => (round <= 3 && view.member === 2 ? 'raft index behind' : undefined) });
    const result = await up();
    expect(result.health.healthy).toBe(true);
    expect(probe.rounds).toBe(4);
    const printed = progressOut.text().split('\n').filter(Boolean);
    // Non-interactive: the unchanged wait is printed once, then the result.
    expect(printed).toHaveLength(2);
    expect(printed[0]).toMatch(/^etcd: waiting to be healthy \(2\/3 healthy, paws360-etcd-2: raft index behind\) \d+\.\ds$/);
    expect(printed[1]).toMatch(/^etcd: 3\/3 healthy after/);
  });

  it('health timeout: the error carries the probe detail and the log tail of each unhealthy member; containers stay', async () => {
    probe = fakeProbe({ problem: (view) => (view.member === 2 ? 'raft index behind the leader' : undefined) });
    runtime.setLogs('paws360-etcd-2', Array.from({ length: 40 }, (_, i) => `etcd log line ${i + 1}`).join('\n') + '\n');
    const error = await up(etcd(), { timeoutSeconds: 0.05 }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(StackError);
    const message = (error as Error).message;
    expect(message).toContain('etcd did not become healthy within 0.05s (2/3 components healthy)');
    expect(message).toContain('✗ paws360-etcd-2: raft index behind the leader');
    expect(message).toContain('etcd log line 40');
    expect(message).toContain('etcd log line 16');
    expect(message).not.toContain('etcd log line 15\n');
    expect(message).not.toContain('paws360-etcd-1:');
    expect(message).toContain('npx nx run etcd:logs');
    expect(runtime.containerNames()).toEqual(MEMBERS);
    expect(progressOut.text()).toContain('etcd: still not healthy after 0.05s');
  });

  it('health timeout with an unreadable log says so instead of failing differently', async () => {
    probe = fakeProbe({ problem: () => 'not ready' });
    runtime.failOn('logs', 1, undefined, { sticky: true });
    const message = await up(etcd(), { timeoutSeconds: 0.02 }).catch((e: Error) => e.message);
    expect(message).toContain('(cannot read its log: logs');
    expect(message).toContain('✗ paws360-etcd-3: not ready');
  });
});
