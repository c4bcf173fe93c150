// Specs hand executors their own runtime, so the real one is never made.
jest.mock('../../runtime/dockerode-runtime', () => ({ DockerodeRuntime: jest.fn() }));

import { EventEmitter } from 'node:events';
import type { ServiceDefinition } from '../../core/service-config';
import type { FakeContainer } from '../../testing/fake-runtime';
import { TestWorkspace, testDeps } from '../../testing/executor-context';
import { FakePatroniProbe, PATRONI_SERVICE, ROUTER_SERVICE, fakeSimDeps, healthyProbe } from '../../testing/fake-patroni';
import { FakeRuntime } from '../../testing/fake-runtime';
import upExecutor from '../up/executor';
import partitionExecutor, { partitionOptions } from './executor';

const NETWORK = 'paws360-backend';

describe('partition executor (fake runtime, imitation writer)', () => {
  let ws: TestWorkspace;
  let runtime: FakeRuntime;
  let patroni: FakePatroniProbe;
  let wasCut: boolean;
  const probe = (service: ServiceDefinition) => (service.config.kind === 'patroni' ? patroni : healthyProbe());
  const victim = () => runtime.container('paws360-patroni-1');
  const cut = () => !victim().networks.has(NETWORK);

  /**
   * What psql over each member's socket answers: the leader is writable
   * until it is cut off, then stopped (demoted), then a replica once back;
   * member 2 becomes writable once the leader is cut off.
   */
  const patroniLike = (container: FakeContainer): string => {
    if (cut()) wasCut = true;
    if (container.name === 'paws360-patroni-1') return cut() ? '' : wasCut ? 't' : 'f';
    if (container.name === 'paws360-patroni-2') return wasCut ? 'f' : 't';
    return 't';
  };

  beforeEach(async () => {
    ws = TestWorkspace.create({ patroni: { config: PATRONI_SERVICE }, router: { config: ROUTER_SERVICE } });
    runtime = new FakeRuntime();
    patroni = new FakePatroniProbe();
    wasCut = false;
    for (const name of ['patroni', 'router']) {
      expect(await upExecutor({}, ws.context(name), testDeps(runtime, { probe }).deps)).toEqual({ success: true });
    }
    patroni.onRound = () => {
      if (wasCut) patroni.leader = 2;
    };
    runtime.execHandler = (container, cmd) => {
      if (cmd[0] !== 'psql') return { exitCode: 0, stdout: '', stderr: '' };
      const answer = patroniLike(container);
      return answer ? { exitCode: 0, stdout: `${answer}\n`, stderr: '' } : { exitCode: 2, stdout: '', stderr: 'no such file or directory' };
    };
    runtime.resetCalls();
  });
  afterEach(() => ws.dispose());

  const run = async (options: Record<string, unknown> = {}, simOverrides: Parameters<typeof fakeSimDeps>[0] = {}) => {
    const { deps, logs, errors } = testDeps(runtime, { probe });
    const fake = fakeSimDeps(simOverrides);
    const result = await partitionExecutor({ json: true, sampleIntervalMs: 5, ...options }, ws.context('patroni', 'partition'), deps, fake.sim);
    return { result, logs, errors, ...fake };
  };

  it('has the documented defaults', () => {
    expect(partitionOptions.parse({})).toEqual({ timeoutSeconds: 120, writeIntervalMs: 20, sampleIntervalMs: 250, json: false });
  });

  it('cuts the leader off, samples every member over docker exec, measures demotion and election, heals it under its host name', async () => {
    const { result, logs, errors } = await run();
    expect(errors).toEqual([]);
    expect(result).toEqual({ success: true });
    const report = JSON.parse(logs[0]);
    expect(report).toMatchObject({ scenario: 'partition', passed: true });
    expect(report.measurements).toMatchObject({ newLeader: 'paws360-patroni-2', lostWrites: 0, maxWritableMembers: 1 });
    for (const key of ['demoteSeconds', 'promoteSeconds', 'electionSeconds', 'rejoinSeconds', 'samples']) {
      expect([key, typeof report.measurements[key]]).toEqual([key, 'number']);
    }
    expect(runtime.callsTo('disconnectNetwork')).toEqual([[NETWORK, victim().id]]);
    expect(runtime.callsTo('connectNetwork')).toEqual([[NETWORK, victim().id, ['patroni-1']]]);
    expect(cut()).toBe(false);
    // Writability asked of every member over its own socket, never over the network.
    const psql = runtime.callsTo('exec').filter(([, cmd]) => (cmd as string[])[0] === 'psql');
    expect(new Set(psql.map(([id]) => id)).size).toBe(3);
    expect(psql[0][1]).toEqual(['psql', '-X', '-h', '/var/run/postgresql', '-U', 'postgres', '-d', 'postgres', '-tAc', 'select pg_is_in_recovery()']);
  });

  it('two writable members in one sample (the cut-off leader never demotes) fail the run, and the network is healed anyway', async () => {
    runtime.execHandler = (container, cmd) => {
      if (cmd[0] !== 'psql') return { exitCode: 0, stdout: '', stderr: '' };
      if (cut()) wasCut = true;
      const writable = container.name === 'paws360-patroni-1' || (container.name === 'paws360-patroni-2' && wasCut);
      return { exitCode: 0, stdout: writable ? 'f\n' : 't\n', stderr: '' };
    };
    const { result, logs } = await run({ timeoutSeconds: 0.3 });
    expect(result).toEqual({ success: false });
    const report = JSON.parse(logs[0]);
    const byName = Object.fromEntries(report.checks.map((c: { name: string; ok: boolean; detail: string }) => [c.name, c]));
    expect(byName['the cut-off leader stops taking writes']).toMatchObject({ ok: false, detail: 'still writable after 0.3s' });
    expect(byName['never two writable members'].ok).toBe(false);
    expect(byName['never two writable members'].detail).toMatch(/samples had two: first at \+[\d.]+s \(paws360-patroni-1=rw paws360-patroni-2=rw paws360-patroni-3=ro\)/);
    expect(report.measurements.maxWritableMembers).toBe(2);
    expect(cut()).toBe(false);
  });

  it('a failure mid-run reconnects the leader in finally (with its host name as alias), and the run fails', async () => {
    runtime.failOn('connectNetwork', 1);
    const { result, errors, logs } = await run();
    expect(result).toEqual({ success: false });
    expect(logs).toEqual([]);
    expect(errors.join('\n')).toContain(`paws360-patroni-1 restored after a failed run: reconnected to ${NETWORK} as patroni-1`);
    expect(runtime.callsTo('connectNetwork')).toEqual([
      [NETWORK, victim().id, ['patroni-1']],
      [NETWORK, victim().id, ['patroni-1']],
    ]);
    expect(cut()).toBe(false);
  });

  it('interrupted by SIGTERM while cut off: reconnects the leader under its host name and fails without a report', async () => {
    const signals = new EventEmitter();
    const disconnect = runtime.disconnectNetwork.bind(runtime);
    runtime.disconnectNetwork = async (network, id) => {
      await disconnect(network, id);
      setImmediate(() => signals.emit('SIGTERM'));
    };
    const { result, logs, errors } = await run({ timeoutSeconds: 60 }, { signals });
    expect(result).toEqual({ success: false });
    expect(logs).toEqual([]);
    expect(errors[1]).toBe(`partition interrupted by SIGTERM: paws360-patroni-1 restored: reconnected to ${NETWORK} as patroni-1; check it with npx nx run patroni:health`);
    expect(runtime.callsTo('connectNetwork')).toEqual([[NETWORK, victim().id, ['patroni-1']]]);
    expect(cut()).toBe(false);
  });

  it('precondition: an unhealthy patroni stops it before the network is touched', async () => {
    await runtime.disconnectNetwork(NETWORK, runtime.container('paws360-patroni-2').id);
    runtime.resetCalls();
    const { result, errors } = await run();
    expect(result).toEqual({ success: false });
    expect(errors[0]).toContain('patroni is not healthy before the partition simulation; run npx nx run stack:restore first');
    expect(runtime.callsTo('disconnectNetwork')).toEqual([]);
  });
});
