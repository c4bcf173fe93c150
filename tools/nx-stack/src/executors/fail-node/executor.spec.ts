// Specs hand executors their own runtime, so the real one is never made.
jest.mock('../../runtime/dockerode-runtime', () => ({ DockerodeRuntime: jest.fn() }));

import type { ComponentHealth, ProbeContext, ServiceProbe } from '../../kinds/kind';
import { absentMember } from '../../kinds/members';
import { TestWorkspace, testDeps } from '../../testing/executor-context';
import { fakeProbe } from '../../testing/fake-probe';
import { FakeRuntime } from '../../testing/fake-runtime';
import upExecutor from '../up/executor';
import failNodeExecutor, { failNodeOptions } from './executor';

/** Like etcd: the lowest running member leads, so stopping the leader elects another. */
const electingProbe = (): ServiceProbe => ({
  async health(ctx: ProbeContext): Promise<ComponentHealth[]> {
    const leader = ctx.members.find((m) => m.running)?.member;
    return ctx.members.map((view) => {
      const absent = absentMember(view);
      if (absent) return absent;
      return { name: view.containerName, status: 'healthy', role: view.member === leader ? 'leader' : 'follower', detail: 'ok' };
    });
  },
  inspect: () => Promise.reject(new Error('not used')),
});

// Ports where nothing listens: the simulation's writes fail, as against a broken cluster.
// Found free on this machine now (a fixed offset could be some running stack's ports).
const env = { PAWS360_PORT_OFFSET: '' };
beforeAll(async () => {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  env.PAWS360_PORT_OFFSET = String(Math.min(port, 62000) - 2379);
});

describe('fail-node executor', () => {
  let ws: TestWorkspace;
  let runtime: FakeRuntime;
  beforeEach(async () => {
    ws = TestWorkspace.create({ etcd: {} });
    runtime = new FakeRuntime();
    expect(await upExecutor({}, ws.context('etcd'), testDeps(runtime, { probe: () => fakeProbe(), env }).deps)).toEqual({ success: true });
    runtime.resetCalls();
  });
  afterEach(() => ws.dispose());

  it('refuses to start on an unhealthy cluster, names the member and stops nothing', async () => {
    await runtime.stopContainer(runtime.container('paws360-etcd-3').id, 0);
    runtime.resetCalls();
    const { deps, errors } = testDeps(runtime, { probe: () => electingProbe(), env });
    expect(await failNodeExecutor({}, ws.context('etcd', 'fail-node'), deps)).toEqual({ success: false });
    expect(errors.join('\n')).toContain('etcd is not healthy before the fail-node simulation; run npx nx run stack:restore first.');
    expect(errors.join('\n')).toContain('paws360-etcd-3: container not running');
    expect(runtime.callsTo('killContainer')).toEqual([]);
  });

  it('stops the leader, reports the election, fails when writes fail, and starts the member again', async () => {
    const { deps, logs } = testDeps(runtime, { probe: () => electingProbe(), env });
    const result = await failNodeExecutor({ writes: 2, timeoutSeconds: 5, json: true }, ws.context('etcd', 'fail-node'), deps);
    expect(result).toEqual({ success: false });
    const leaderId = runtime.container('paws360-etcd-1').id;
    expect(runtime.callsTo('killContainer')).toEqual([[leaderId, 'SIGKILL']]);
    expect(runtime.callsTo('startContainer')).toContainEqual([leaderId]);
    expect(runtime.container('paws360-etcd-1').state).toBe('running');

    const report = JSON.parse(logs[logs.length - 1]);
    expect(report).toMatchObject({ scenario: 'fail-node', service: 'etcd', passed: false });
    const check = (name: string) => report.checks.find((c: { name: string }) => c.name.startsWith(name));
    expect(check('a leader among the survivors')).toMatchObject({ ok: true });
    expect(check('reads and writes continue')).toMatchObject({ ok: false, detail: '2 of 2 failed' });
    expect(check('paws360-etcd-1 rejoins')).toMatchObject({ ok: true });
    expect(report.measurements).toMatchObject({ writesWhileDown: 2, failedWrites: 2 });
  });

  it('--member picks the member to stop; an unknown member is a clear error', async () => {
    const { deps, errors } = testDeps(runtime, { probe: () => electingProbe(), env });
    expect(await failNodeExecutor({ member: 7 }, ws.context('etcd', 'fail-node'), deps)).toEqual({ success: false });
    expect(errors.join('\n')).toContain('etcd has no member 7 to stop (members: 1-3)');
    expect(runtime.callsTo('killContainer')).toEqual([]);
  });

  it('options are validated', () => {
    expect(failNodeOptions.safeParse({ member: 0 }).success).toBe(false);
    expect(failNodeOptions.parse({})).toEqual({ writes: 20, timeoutSeconds: 90, json: false });
  });
});
