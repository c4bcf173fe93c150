// Specs hand executors their own runtime, so the real one is never made.
jest.mock('../../runtime/dockerode-runtime', () => ({ DockerodeRuntime: jest.fn() }));

import { EventEmitter } from 'node:events';
import type { ServiceDefinition } from '../../core/service-config';
import { TestWorkspace, testDeps } from '../../testing/executor-context';
import { FakePatroniProbe, PATRONI_SERVICE, ROUTER_SERVICE, fakeSimDeps, healthyProbe } from '../../testing/fake-patroni';
import { FakeRuntime } from '../../testing/fake-runtime';
import upExecutor from '../up/executor';
import failLeaderExecutor, { failLeaderOptions } from './executor';

describe('fail-leader executor (fake runtime, imitation writer)', () => {
  let ws: TestWorkspace;
  let runtime: FakeRuntime;
  let patroni: FakePatroniProbe;
  const probe = (service: ServiceDefinition) => (service.config.kind === 'patroni' ? patroni : healthyProbe());

  beforeEach(async () => {
    ws = TestWorkspace.create({ patroni: { config: PATRONI_SERVICE }, router: { config: ROUTER_SERVICE } });
    runtime = new FakeRuntime();
    patroni = new FakePatroniProbe();
    for (const name of ['patroni', 'router']) {
      expect(await upExecutor({}, ws.context(name), testDeps(runtime, { probe }).deps)).toEqual({ success: true });
    }
    // The leader's container gone: member 2 takes over (what Patroni does after the TTL).
    patroni.onRound = (_round, ctx) => {
      if (!ctx.members.find((m) => m.member === 1)?.running) patroni.leader = 2;
    };
    runtime.resetCalls();
  });
  afterEach(() => ws.dispose());

  const run = async (options: Record<string, unknown> = {}, simOverrides: Parameters<typeof fakeSimDeps>[0] = {}) => {
    const { deps, logs, errors } = testDeps(runtime, { probe });
    const fake = fakeSimDeps(simOverrides);
    const result = await failLeaderExecutor({ json: true, ...options }, ws.context('patroni', 'fail-leader'), deps, fake.sim);
    return { result, logs, errors, ...fake };
  };
  const leaderId = () => runtime.container('paws360-patroni-1').id;

  it('has the documented defaults', () => {
    expect(failLeaderOptions.parse({})).toEqual({ timeoutSeconds: 120, writeIntervalMs: 20, json: false });
  });

  it('kills the leader, measures the failover, finds every acknowledged write, restarts it and reports in one JSON line', async () => {
    const { result, logs, errors, writers } = await run();
    expect(errors).toEqual([]);
    expect(result).toEqual({ success: true });
    expect(logs).toHaveLength(1);
    const report = JSON.parse(logs[0]);
    expect(report).toMatchObject({ scenario: 'fail-leader', service: 'patroni', passed: true });
    expect(report.measurements).toMatchObject({ newLeader: 'paws360-patroni-2', lostWrites: 0, failedWrites: 0 });
    expect(typeof report.measurements.failoverSeconds).toBe('number');
    expect(typeof report.measurements.rejoinSeconds).toBe('number');
    expect(report.measurements.ackedWrites).toBeGreaterThan(0);
    expect(report.checks.map((c: { name: string }) => c.name)).toEqual([
      'writes resume through the router',
      'a replica is promoted',
      'no acknowledged write lost',
      'paws360-patroni-1 rejoins as a replica',
      'the router reaches the new topology',
    ]);
    expect(runtime.callsTo('killContainer')).toEqual([[leaderId(), 'SIGKILL']]);
    expect(runtime.callsTo('startContainer')).toEqual([[leaderId()]]);
    expect(runtime.container('paws360-patroni-1').state).toBe('running');
    // The writer went through the router's leader port with the stack's superuser password.
    expect(writers[0].options.target).toMatchObject({ port: 5432, password: expect.stringMatching(/.{16,}/) });
    expect(writers[0]).toMatchObject({ prepared: true, started: true, stopped: true });
    // Log markers in every touched container, at the start and at the end.
    const marked = runtime.callsTo('exec').filter(([, cmd]) => (cmd as string[])[0] === 'sh');
    expect(marked.filter(([id]) => id === runtime.container('paws360-router-1').id)).toHaveLength(2);
  });

  it('an acknowledged insert missing on the new leader fails the run (lostWrites 1)', async () => {
    const { result, logs } = await run({}, { configure: (w) => (w.stored = () => new Set(w.acked.slice(1).map((a) => a.n))) });
    expect(result).toEqual({ success: false });
    const report = JSON.parse(logs[0]);
    expect(report.measurements.lostWrites).toBe(1);
    expect(report.checks.find((c: { name: string }) => c.name === 'no acknowledged write lost')).toMatchObject({ ok: false });
    expect(report.checks.find((c: { name: string }) => c.name === 'no acknowledged write lost').detail).toMatch(/^1 of \d+ acknowledged inserts missing \(first: fail-leader-[a-z0-9]+:0\)$/);
    expect(runtime.container('paws360-patroni-1').state).toBe('running');
  });

  it('no new leader: the check fails, and the old leader is still started again', async () => {
    patroni.onRound = undefined;
    const { result, logs } = await run({ timeoutSeconds: 0.3 });
    expect(result).toEqual({ success: false });
    const report = JSON.parse(logs[0]);
    expect(report.checks.find((c: { name: string }) => c.name === 'a replica is promoted')).toMatchObject({ ok: false });
    expect(runtime.container('paws360-patroni-1').state).toBe('running');
  });

  it('a failure mid-run still restarts the killed leader (finally), and the run fails naming what broke', async () => {
    runtime.failOn('startContainer', 1);
    const { result, errors, logs } = await run();
    expect(result).toEqual({ success: false });
    expect(logs).toEqual([]);
    expect(errors.join('\n')).toContain('paws360-patroni-1 restored after a failed run: started');
    expect(errors.join('\n')).toContain('startContainer');
    expect(runtime.callsTo('startContainer')).toEqual([[leaderId()], [leaderId()]]);
    expect(runtime.container('paws360-patroni-1').state).toBe('running');
  });

  it('interrupted by SIGINT once the leader is killed: starts it again, stops the writer, prints no report and fails', async () => {
    // No failover in this world: without the restore the member would stay down.
    patroni.onRound = undefined;
    const signals = new EventEmitter();
    const kill = runtime.killContainer.bind(runtime);
    runtime.killContainer = async (id, signal) => {
      await kill(id, signal);
      setImmediate(() => signals.emit('SIGINT'));
    };
    const { result, logs, errors, writers } = await run({}, { signals });
    expect(result).toEqual({ success: false });
    expect(logs).toEqual([]);
    expect(errors).toEqual([
      'fail-leader: SIGINT: stopping, and restoring what the simulation broke first…',
      'fail-leader interrupted by SIGINT: paws360-patroni-1 restored: started; check it with npx nx run patroni:health',
    ]);
    expect(runtime.callsTo('killContainer')).toEqual([[leaderId(), 'SIGKILL']]);
    expect(runtime.callsTo('startContainer')).toEqual([[leaderId()]]);
    expect(runtime.container('paws360-patroni-1').state).toBe('running');
    expect(writers[0].stopped).toBe(true);
    expect(signals.listenerCount('SIGINT') + signals.listenerCount('SIGTERM')).toBe(0);
  });

  it('precondition: an unhealthy patroni stops it before anything is touched, and says to restore the stack', async () => {
    runtime.setState('paws360-patroni-3', 'exited');
    const { result, errors, writers } = await run();
    expect(result).toEqual({ success: false });
    expect(errors[0]).toContain('patroni is not healthy before the fail-leader simulation; run npx nx run stack:restore first');
    expect(errors[0]).toContain('✗ paws360-patroni-3: container not running (exited)');
    expect(runtime.callsTo('killContainer')).toEqual([]);
    expect(writers).toEqual([]);
  });

  it('precondition: an unhealthy router too', async () => {
    runtime.setState('paws360-router-1', 'exited');
    const { result, errors } = await run();
    expect(result).toEqual({ success: false });
    expect(errors[0]).toMatch(/^router is not healthy before the fail-leader simulation; run npx nx run stack:restore first/);
    expect(runtime.callsTo('killContainer')).toEqual([]);
  });
});
