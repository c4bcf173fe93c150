// Specs hand executors their own runtime, so the real one is never made.
jest.mock('../../runtime/dockerode-runtime', () => ({ DockerodeRuntime: jest.fn() }));

import type { ServiceDefinition } from '../../core/service-config';
import { TestWorkspace, testDeps } from '../../testing/executor-context';
import { FakePatroniProbe, PATRONI_SERVICE, ROUTER_SERVICE, fakeSimDeps, healthyProbe } from '../../testing/fake-patroni';
import { FakeRuntime } from '../../testing/fake-runtime';
import upExecutor from '../up/executor';
import switchoverExecutor, { switchoverOptions } from './executor';

describe('switchover executor (fake runtime, imitation writer and REST API)', () => {
  let ws: TestWorkspace;
  let runtime: FakeRuntime;
  let patroni: FakePatroniProbe;
  /** The server the imitation writer's inserts are committed by (inet_server_addr). */
  let server: string;
  const probe = (service: ServiceDefinition) => (service.config.kind === 'patroni' ? patroni : healthyProbe());

  beforeEach(async () => {
    ws = TestWorkspace.create({ patroni: { config: PATRONI_SERVICE }, router: { config: ROUTER_SERVICE } });
    runtime = new FakeRuntime();
    patroni = new FakePatroniProbe();
    server = '172.30.0.5';
    for (const name of ['patroni', 'router']) {
      expect(await upExecutor({}, ws.context(name), testDeps(runtime, { probe }).deps)).toEqual({ success: true });
    }
    runtime.resetCalls();
  });
  afterEach(() => ws.dispose());

  const run = async (options: Record<string, unknown> = {}, status = 200) => {
    const { deps, logs, errors } = testDeps(runtime, { probe });
    const fake = fakeSimDeps({
      configure: (writer) => (writer.server = () => server),
      switchover: async (apiPort, body) => {
        fake.switchovers.push({ apiPort, body });
        if (status !== 200) return { status, text: 'candidate name does not match with sync_standby' };
        patroni.leader = Number(body.candidate!.split('-')[1]);
        server = '172.30.0.6';
        return { status: 200, text: `Successfully switched over to "${body.candidate}"` };
      },
    });
    const result = await switchoverExecutor({ json: true, ...options }, ws.context('patroni', 'switchover'), deps, fake.sim);
    return { result, logs, errors, ...fake };
  };

  it('has the documented defaults', () => {
    expect(switchoverOptions.parse({})).toEqual({ timeoutSeconds: 120, writeIntervalMs: 20, json: false });
  });

  it('asks the leader’s REST API to hand over to the sync standby, measures the write gap, checks the writes and the new topology', async () => {
    const { result, logs, errors, switchovers } = await run();
    expect(errors).toEqual([]);
    expect(result).toEqual({ success: true });
    expect(switchovers).toEqual([{ apiPort: 8008, body: { leader: 'patroni-1', candidate: 'patroni-2' } }]);
    const report = JSON.parse(logs[0]);
    expect(report).toMatchObject({ scenario: 'switchover', passed: true });
    expect(report.measurements).toMatchObject({ newLeader: 'paws360-patroni-2', lostWrites: 0 });
    for (const key of ['switchoverSeconds', 'newLeaderWritableSeconds', 'requestSeconds', 'rejoinSeconds']) {
      expect([key, typeof report.measurements[key]]).toEqual([key, 'number']);
    }
    // Nothing is stopped or cut: a switchover is Patroni's business.
    expect(runtime.callsTo('killContainer')).toEqual([]);
    expect(runtime.callsTo('disconnectNetwork')).toEqual([]);
  });

  it('--candidate picks the member; the leader itself is refused before anything happens', async () => {
    const { switchovers } = await run({ candidate: 3 });
    expect(switchovers[0].body).toEqual({ leader: 'patroni-1', candidate: 'patroni-3' });

    patroni.leader = 1;
    const refused = await run({ candidate: 1 });
    expect(refused.result).toEqual({ success: false });
    expect(refused.errors[0]).toBe('paws360-patroni-1 is already the leader: pick another --candidate.');
    expect(refused.switchovers).toEqual([]);
    expect(refused.writers).toEqual([]);
  });

  it('Patroni refusing the switchover fails the run with its answer', async () => {
    const { result, logs } = await run({ timeoutSeconds: 0.2 }, 412);
    expect(result).toEqual({ success: false });
    const report = JSON.parse(logs[0]);
    expect(report.checks[0]).toEqual({ name: 'Patroni performs the switchover', ok: false, detail: '412: candidate name does not match with sync_standby' });
  });

  it('precondition: unhealthy patroni → says to restore the stack, no request is sent', async () => {
    runtime.setState('paws360-patroni-2', 'exited');
    const { result, errors, switchovers } = await run();
    expect(result).toEqual({ success: false });
    expect(errors[0]).toContain('patroni is not healthy before the switchover simulation; run npx nx run stack:restore first');
    expect(switchovers).toEqual([]);
  });
});
