// Specs hand executors their own runtime, so the real one is never made: keep
// dockerode (slow to load) out of this suite.
jest.mock('../../runtime/dockerode-runtime', () => ({ DockerodeRuntime: jest.fn() }));

import { StackError } from '../../core/errors';
import { TestWorkspace, testDeps } from '../../testing/executor-context';
import { fakeProbe } from '../../testing/fake-probe';
import { FakeRuntime } from '../../testing/fake-runtime';
import upExecutor from '../up/executor';
import logsExecutor, { parseSince } from './executor';

describe('parseSince', () => {
  const now = Date.UTC(2025, 0, 1, 12, 0, 0);
  const nowSeconds = now / 1000;

  it.each([
    ['30s', 30],
    ['10m', 600],
    ['2h', 7200],
    ['1d', 86400],
    [' 5m ', 300],
  ])('%p is that long before now', (since, seconds) => {
    expect(parseSince(since, now)).toBe(nowSeconds - seconds);
  });

  it('an ISO date/time is taken as is', () => {
    expect(parseSince('2025-01-01T11:00:00Z', now)).toBe(nowSeconds - 3600);
  });

  it.each(['yesterday', '10 minutes', '5w', ''])('%p is rejected with a StackError naming --since', (since) => {
    expect(() => parseSince(since, now)).toThrow(StackError);
    expect(() => parseSince(since, now)).toThrow(`--since="${since}" is neither a duration (30s, 10m, 2h, 1d) nor a date/time.`);
  });
});

describe('logs executor', () => {
  let ws: TestWorkspace;
  let runtime: FakeRuntime;
  beforeEach(async () => {
    ws = TestWorkspace.create({ etcd: {} });
    runtime = new FakeRuntime();
    expect(await upExecutor({}, ws.context('etcd'), testDeps(runtime, { probe: () => fakeProbe() }).deps)).toEqual({ success: true });
    runtime.setLogs('paws360-etcd-1', 'one a\none b\n');
    runtime.setLogs('paws360-etcd-2', 'two a\n');
    runtime.setLogs('paws360-etcd-3', '');
    runtime.resetCalls();
  });
  afterEach(() => ws.dispose());

  it('prints every member’s lines in member order, each prefixed with the member', async () => {
    const { deps, logs } = testDeps(runtime);
    expect(await logsExecutor({}, ws.context('etcd', 'logs'), deps)).toEqual({ success: true });
    expect(logs).toEqual(['paws360-etcd-1 | one a', 'paws360-etcd-1 | one b', 'paws360-etcd-2 | two a']);
  });

  it('orders members by number (10 after 9) and pads the prefix to the longest name', async () => {
    for (const c of [...runtime.containers.values()]) await runtime.removeContainer(c.id);
    const spec = (member: number) => ({
      name: `paws360-etcd-${member}`,
      image: 'debian:bookworm-slim',
      hostname: `etcd-${member}`,
      env: {},
      labels: { 'io.paws360.stack': 'paws360', 'io.paws360.service': 'etcd', 'io.paws360.member': String(member) },
      network: 'paws360-backend',
      aliases: [],
      ports: [],
      mounts: [],
      stopTimeoutSeconds: 1,
    });
    for (const member of [10, 9]) {
      runtime.addContainer(spec(member));
      runtime.setLogs(`paws360-etcd-${member}`, `line of ${member}\n`);
    }
    const { deps, logs } = testDeps(runtime);
    await logsExecutor({}, ws.context('etcd', 'logs'), deps);
    expect(logs).toEqual(['paws360-etcd-9  | line of 9', 'paws360-etcd-10 | line of 10']);
  });

  it('passes tail, since and timestamps to the engine', async () => {
    const { deps } = testDeps(runtime);
    const before = Math.floor(Date.now() / 1000);
    await logsExecutor({ tail: 1, since: '10m', timestamps: true }, ws.context('etcd', 'logs'), deps);
    const calls = runtime.callsTo('logs');
    expect(calls).toHaveLength(3);
    const options = calls[0][1] as { tail: number; since: number; timestamps: boolean };
    expect(options.tail).toBe(1);
    expect(options.timestamps).toBe(true);
    expect(options.since).toBeGreaterThanOrEqual(before - 600);
    expect(options.since).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) - 600);
  });

  it('--tail limits each member', async () => {
    const { deps, logs } = testDeps(runtime);
    await logsExecutor({ tail: 1 }, ws.context('etcd', 'logs'), deps);
    expect(logs).toEqual(['paws360-etcd-1 | one b', 'paws360-etcd-2 | two a']);
  });

  it('--follow streams every member until the streams end, prefixed, and leaves no signal handlers behind', async () => {
    const sigint = process.listenerCount('SIGINT');
    const { deps, logs } = testDeps(runtime);
    expect(await logsExecutor({ follow: true }, ws.context('etcd', 'logs'), deps)).toEqual({ success: true });
    expect(logs.sort()).toEqual(['paws360-etcd-1 | one a', 'paws360-etcd-1 | one b', 'paws360-etcd-2 | two a']);
    expect(runtime.callsTo('followLogs')).toHaveLength(3);
    expect(runtime.callsTo('logs')).toEqual([]);
    expect(process.listenerCount('SIGINT')).toBe(sigint);
  });

  it('a bad --since: success false, message names --since', async () => {
    const { deps, errors } = testDeps(runtime);
    expect(await logsExecutor({ since: 'last week' }, ws.context('etcd', 'logs'), deps)).toEqual({ success: false });
    expect(errors[0]).toContain('--since="last week"');
  });

  it('no containers: says how to start the service', async () => {
    for (const c of [...runtime.containers.values()]) await runtime.removeContainer(c.id);
    const { deps, errors } = testDeps(runtime);
    expect(await logsExecutor({}, ws.context('etcd', 'logs'), deps)).toEqual({ success: false });
    expect(errors[0]).toBe('etcd has no containers: start it with npx nx run etcd:up');
  });

  it.each([
    [{ tail: -1 }, 'field "tail"', 'expected number to be >=0'],
    [{ tail: 1.5 }, 'field "tail"', 'expected int'],
    [{ since: 10 }, 'field "since"', 'expected string'],
    [{ lines: 10 }, 'field "lines"', 'unknown field'],
  ])('invalid options %p: ConfigError naming the option', async (options, field, expected) => {
    const { deps, errors } = testDeps(runtime);
    expect(await logsExecutor(options as never, ws.context('etcd', 'logs'), deps)).toEqual({ success: false });
    expect(errors[0]).toContain('Invalid options of logs');
    expect(errors[0]).toContain(field);
    expect(errors[0]).toContain(expected);
    expect(runtime.calls).toEqual([]);
  });
});
