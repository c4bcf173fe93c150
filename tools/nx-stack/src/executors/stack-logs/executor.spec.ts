// Specs hand executors their own runtime, so the real one is never made: keep
// dockerode (slow to load) out of this suite.
jest.mock('../../runtime/dockerode-runtime', () => ({ DockerodeRuntime: jest.fn() }));

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TestWorkspace, serviceJson, testDeps } from '../../testing/executor-context';
import { fakeProbe } from '../../testing/fake-probe';
import { FakeRuntime } from '../../testing/fake-runtime';
import upExecutor from '../up/executor';
import stackLogsExecutor from './executor';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const at = (second: number) => `2026-11-29T02:00:${String(second).padStart(2, '0')}.000000000Z`;

describe('stack-logs executor', () => {
  let ws: TestWorkspace;
  let runtime: FakeRuntime;
  beforeEach(async () => {
    process.env.NO_COLOR = '1';
    ws = TestWorkspace.create({
      etcd: {},
      cache: { config: serviceJson({ kind: 'redis', replicas: 2, description: 'redis', ports: [{ name: 'redis', container: 6379, host: 6379 }] }) },
    });
    runtime = new FakeRuntime();
    for (const service of ['etcd', 'cache']) {
      expect(await upExecutor({}, ws.context(service), testDeps(runtime, { probe: () => fakeProbe() }).deps)).toEqual({ success: true });
    }
    runtime.setLogs('paws360-etcd-1', `${at(1)} {"level":"info","ts":"2026-11-29T02:00:01Z","msg":"ready"}\n${at(5)} {"level":"warn","msg":"slow apply","trace_id":"${TRACE}"}\n`);
    runtime.setLogs('paws360-etcd-2', `${at(2)} {"level":"info","msg":"joined"}\n`);
    runtime.setLogs('paws360-cache-1', `${at(3)} 7:M 29 Nov 2026 02:00:03.000 # WARNING overcommit_memory is set to 0\n${at(4)} 7:M 29 Nov 2026 02:00:04.000 * Ready to accept connections tcp\n`);
    runtime.setLogs('paws360-cache-2', '');
    runtime.resetCalls();
  });
  afterEach(() => {
    delete process.env.NO_COLOR;
    ws.dispose();
  });

  it('every container in one chronological view: time, member, level, text; the index lives in .paws360/logs', async () => {
    const { deps, logs, errors } = testDeps(runtime);
    expect(await stackLogsExecutor({}, ws.context('stack', 'logs'), deps)).toEqual({ success: true });
    expect(logs).toEqual([
      '2026-11-29 02:00:01.000 etcd-1  INFO  {"level":"info","ts":"2026-11-29T02:00:01Z","msg":"ready"}',
      '2026-11-29 02:00:02.000 etcd-2  INFO  {"level":"info","msg":"joined"}',
      '2026-11-29 02:00:03.000 cache-1 WARN  7:M 29 Nov 2026 02:00:03.000 # WARNING overcommit_memory is set to 0',
      '2026-11-29 02:00:04.000 cache-1 INFO  7:M 29 Nov 2026 02:00:04.000 * Ready to accept connections tcp',
      `2026-11-29 02:00:05.000 etcd-1  WARN  {"level":"warn","msg":"slow apply","trace_id":"${TRACE}"}`,
    ]);
    expect(errors[0]).toMatch(/^5 matching lines from 5 containers; index synced in \d+ ms \(\+5 lines\), searched in \d+ ms$/);
    expect(existsSync(join(ws.root, '.paws360', 'logs', 'paws360.db'))).toBe(true);
    // Asked with timestamps, from each container's cursor.
    expect(runtime.callsTo('logs').map((c) => c[1])).toContainEqual({ since: 0, timestamps: true });
  });

  it('the second run reads only what is new', async () => {
    await stackLogsExecutor({}, ws.context('stack', 'logs'), testDeps(runtime).deps);
    runtime.setLogs('paws360-etcd-2', `${at(2)} {"level":"info","msg":"joined"}\n${at(9)} {"level":"error","msg":"disk full"}\n`);
    const { deps, logs, errors } = testDeps(runtime);
    await stackLogsExecutor({ level: 'error' }, ws.context('stack', 'logs'), deps);
    expect(logs).toEqual(['2026-11-29 02:00:09.000 etcd-2  ERROR {"level":"error","msg":"disk full"}']);
    expect(errors[0]).toContain('(+1 lines)');
  });

  it('--service, --member, --grep, --trace-id, --since/--until and --json', async () => {
    const run = async (options: Record<string, unknown>) => {
      const { deps, logs } = testDeps(runtime);
      expect(await stackLogsExecutor(options as never, ws.context('stack', 'logs'), deps)).toEqual({ success: true });
      return logs;
    };
    expect(await run({ service: 'cache' })).toHaveLength(2);
    expect(await run({ service: 'cache,etcd', member: 'etcd-2' })).toHaveLength(1);
    expect(await run({ grep: 'Ready|joined' })).toHaveLength(2);
    expect(await run({ traceId: TRACE })).toHaveLength(1);
    expect(await run({ since: '2026-11-29T02:00:03Z', until: '2026-11-29T02:00:04Z' })).toHaveLength(2);
    const json = (await run({ json: true, level: 'warn' })).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(json).toEqual([
      expect.objectContaining({ service: 'cache', member: 1, container: 'paws360-cache-1', level: 'warn', marker: false }),
      expect.objectContaining({ service: 'etcd', member: 1, level: 'warn', traceId: TRACE, time: '2026-11-29T02:00:05.000000Z' }),
    ]);
  });

  it('--limit keeps the last lines and says so', async () => {
    const { deps, logs, errors } = testDeps(runtime);
    await stackLogsExecutor({ limit: 2 }, ws.context('stack', 'logs'), deps);
    expect(logs).toHaveLength(2);
    expect(errors[0]).toContain('the last 2 of 5 matching lines (--limit=0 for all)');
  });

  it('--follow prints what is there, then new lines of recreated containers, until interrupted', async () => {
    const { deps, logs } = testDeps(runtime);
    const run = stackLogsExecutor({ follow: true, service: 'etcd' }, ws.context('stack', 'logs'), deps);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(logs).toHaveLength(3);
    // etcd-2 recreated: a new container id with a new log.
    const old = [...runtime.containers.values()].find((c) => c.name === 'paws360-etcd-2')!;
    await runtime.removeContainer(old.id);
    runtime.addContainer({ ...old.spec });
    runtime.setLogs('paws360-etcd-2', `${at(30)} {"level":"info","msg":"back"}\n`);
    await new Promise((resolve) => setTimeout(resolve, 1300));
    process.emit('SIGINT');
    expect(await run).toEqual({ success: true });
    expect(logs[3]).toContain('etcd-2  INFO  {"level":"info","msg":"back"}');
  });

  it.each([
    [{ level: 'loud' }, 'field "level"'],
    [{ traceId: 'abc' }, 'expected a W3C trace id: 32 hex digits'],
    [{ limit: -1 }, 'field "limit"'],
    [{ lines: 3 }, 'unknown field'],
  ])('invalid options %p: a ConfigError naming the option', async (options, expected) => {
    const { deps, errors } = testDeps(runtime);
    expect(await stackLogsExecutor(options as never, ws.context('stack', 'logs'), deps)).toEqual({ success: false });
    expect(errors[0]).toContain('Invalid options of stack-logs');
    expect(errors[0]).toContain(expected);
  });

  it('a bad --grep or --since: success false, the message names it', async () => {
    const { deps, errors } = testDeps(runtime);
    expect(await stackLogsExecutor({ grep: '[' }, ws.context('stack', 'logs'), deps)).toEqual({ success: false });
    expect(await stackLogsExecutor({ since: 'last week' }, ws.context('stack', 'logs'), deps)).toEqual({ success: false });
    expect(errors[0]).toContain('--grep="[" is not a valid regular expression');
    expect(errors[1]).toContain('--since="last week"');
  });
});
