import type { ServiceKind } from '../core/service-config';
import { loadService } from '../core/load-service';
import { TestWorkspace, serviceJson } from '../testing/executor-context';
import { fakeProbe } from '../testing/fake-probe';
import { FakeRuntime } from '../testing/fake-runtime';
import { memberSpecs } from '../lifecycle/member-spec';
import { checkHealth, probeContext } from './health';

describe('checkHealth', () => {
  let ws: TestWorkspace;
  let runtime: FakeRuntime;
  beforeEach(() => {
    ws = TestWorkspace.create({ etcd: { config: serviceJson({ secrets: ['ROOT_PASSWORD'] }) } });
    runtime = new FakeRuntime();
  });
  afterEach(() => ws.dispose());
  const etcd = () => loadService(ws.root, 'infrastructure/etcd');

  it('healthy only when every component is healthy; reports the service and a duration', async () => {
    for (const spec of memberSpecs('paws360', etcd(), 'debian:bookworm-slim', {}, {})) runtime.addContainer(spec);
    const deps = { runtime, workspaceRoot: ws.root, stack: 'paws360', probe: () => fakeProbe() };
    const health = await checkHealth(deps, etcd());
    expect(health).toMatchObject({ service: 'etcd', healthy: true });
    expect(health.components).toHaveLength(3);
    expect(Number.isInteger(health.durationMs)).toBe(true);

    runtime.setState('paws360-etcd-1', 'exited');
    expect((await checkHealth(deps, etcd())).healthy).toBe(false);
  });

  it('no containers at all: unhealthy', async () => {
    const health = await checkHealth({ runtime, workspaceRoot: ws.root, stack: 'paws360', probe: () => fakeProbe() }, etcd());
    expect(health.healthy).toBe(false);
    expect(health.components.every((c) => c.detail === 'no container (run up)')).toBe(true);
  });

  it('the probe context carries the stack, the members and the service’s secrets', async () => {
    const ctx = await probeContext({ runtime, workspaceRoot: ws.root, stack: 'paws360' }, etcd());
    expect(ctx.stack).toBe('paws360');
    expect(ctx.members.map((m) => m.containerName)).toEqual(['paws360-etcd-1', 'paws360-etcd-2', 'paws360-etcd-3']);
    expect(ctx.secrets.ROOT_PASSWORD).toMatch(/^[A-Za-z0-9_-]{32}$/);
    // The same secrets `up` injects.
    expect((await probeContext({ runtime, workspaceRoot: ws.root, stack: 'paws360' }, etcd())).secrets).toEqual(ctx.secrets);
  });

  it('without a probe override, the kind picks the probe (an unknown one says so)', async () => {
    ws.addService('cache', { config: serviceJson({ kind: 'redis' }) });
    const service = loadService(ws.root, 'infrastructure/cache');
    const unknown = { ...service, config: { ...service.config, kind: 'no-such-kind' as ServiceKind } };
    await expect(checkHealth({ runtime, workspaceRoot: ws.root, stack: 'paws360' }, unknown)).rejects.toThrow(
      'no health probe for service kind "no-such-kind"',
    );
  });
});
