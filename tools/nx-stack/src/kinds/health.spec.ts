import { existsSync } from 'node:fs';
import { MissingSecretError, ensureSecrets, secretsFile } from '../core/secrets';
import type { ServiceKind } from '../core/service-config';
import { loadService } from '../core/load-service';
import { TestWorkspace, serviceJson } from '../testing/executor-context';
import { fakeProbe } from '../testing/fake-probe';
import { FakeRuntime } from '../testing/fake-runtime';
import { memberSpecs } from '../lifecycle/member-spec';
import { checkHealth, confirmedHealth, probeContext } from './health';

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
    const deps = { runtime, workspaceRoot: ws.root, stack: 'paws360', env: {}, probe: () => fakeProbe() };
    const health = await checkHealth(deps, etcd());
    expect(health).toMatchObject({ service: 'etcd', healthy: true });
    expect(health.components).toHaveLength(3);
    expect(Number.isInteger(health.durationMs)).toBe(true);

    runtime.setState('paws360-etcd-1', 'exited');
    expect((await checkHealth(deps, etcd())).healthy).toBe(false);
  });

  it('no containers at all: unhealthy', async () => {
    const health = await checkHealth({ runtime, workspaceRoot: ws.root, stack: 'paws360', env: {}, probe: () => fakeProbe() }, etcd());
    expect(health.healthy).toBe(false);
    expect(health.components.every((c) => c.detail === 'no container (run up)')).toBe(true);
  });

  it('the probe context carries the stack, the members and the secrets up generated; reading them writes nothing', async () => {
    const file = secretsFile(ws.root, 'paws360');
    const before = await probeContext({ runtime, workspaceRoot: ws.root, stack: 'paws360', env: {} }, etcd());
    // Health before any up: no secrets, and no secrets file made as a side effect of reading.
    expect(before.secrets).toEqual({});
    expect(existsSync(file)).toBe(false);
    expect(() => before.secret('ROOT_PASSWORD')).toThrow(MissingSecretError);
    expect(() => before.secret('ROOT_PASSWORD')).toThrow(/ROOT_PASSWORD is not in .*paws360\.env: stack "paws360" was not started from this checkout/);

    const generated = ensureSecrets(ws.root, 'paws360', ['ROOT_PASSWORD']);
    const ctx = await probeContext({ runtime, workspaceRoot: ws.root, stack: 'paws360', env: {} }, etcd());
    expect(ctx.stack).toBe('paws360');
    expect(ctx.members.map((m) => m.containerName)).toEqual(['paws360-etcd-1', 'paws360-etcd-2', 'paws360-etcd-3']);
    // The same secrets `up` injects.
    expect(ctx.secrets).toEqual(generated);
    expect(ctx.secret('ROOT_PASSWORD')).toBe(generated.ROOT_PASSWORD);
  });

  it('without a probe override, the kind picks the probe (an unknown one says so)', async () => {
    ws.addService('cache', { config: serviceJson({ kind: 'redis' }) });
    const service = loadService(ws.root, 'infrastructure/cache');
    const unknown = { ...service, config: { ...service.config, kind: 'no-such-kind' as ServiceKind } };
    await expect(checkHealth({ runtime, workspaceRoot: ws.root, stack: 'paws360', env: {} }, unknown)).rejects.toThrow(
      'no module for service kind "no-such-kind"',
    );
  });

  describe('confirmedHealth (what health and stack:health report)', () => {
    const started = async () => {
      for (const spec of memberSpecs('paws360', etcd(), 'debian:bookworm-slim', {}, {})) runtime.addContainer(spec);
    };

    it('a member that missed one answer (a probe timeout on a loaded machine) is not reported: the confirming probe stands', async () => {
      await started();
      const probe = fakeProbe({ problem: (view, round) => (round === 1 && view.member === 2 ? 'no answer (timeout)' : undefined) });
      const health = await confirmedHealth({ runtime, workspaceRoot: ws.root, stack: 'paws360', env: {}, probe: () => probe }, etcd(), 1);
      expect(health.healthy).toBe(true);
      expect(probe.rounds).toBe(2);
    });

    it('a member that is really unhealthy is reported after the second probe', async () => {
      await started();
      const probe = fakeProbe({ problem: (view) => (view.member === 2 ? 'raft index behind' : undefined) });
      const health = await confirmedHealth({ runtime, workspaceRoot: ws.root, stack: 'paws360', env: {}, probe: () => probe }, etcd(), 1);
      expect(health.healthy).toBe(false);
      expect(health.components[1].detail).toBe('raft index behind');
      expect(probe.rounds).toBe(2);
    });

    it('a healthy service, or one whose only problems are missing or stopped containers, is probed once', async () => {
      const absent = fakeProbe();
      expect((await confirmedHealth({ runtime, workspaceRoot: ws.root, stack: 'paws360', env: {}, probe: () => absent }, etcd(), 1)).healthy).toBe(false);
      expect(absent.rounds).toBe(1);
      await started();
      const healthy = fakeProbe();
      expect((await confirmedHealth({ runtime, workspaceRoot: ws.root, stack: 'paws360', env: {}, probe: () => healthy }, etcd(), 1)).healthy).toBe(true);
      expect(healthy.rounds).toBe(1);
    });
  });
});
