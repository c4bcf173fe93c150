// Specs hand executors their own runtime, so the real one is never made: keep
// dockerode (slow to load) out of this suite.
jest.mock('../../runtime/dockerode-runtime', () => ({ DockerodeRuntime: jest.fn() }));

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { confirm } from '../../core/confirm';
import { TestWorkspace, serviceJson, testDeps } from '../../testing/executor-context';
import { FakeRedisServer } from '../../testing/fake-redis-server';
import { fakeProbe } from '../../testing/fake-probe';
import { FakeRuntime } from '../../testing/fake-runtime';
import upExecutor from '../up/executor';
import flushExecutor from './executor';

const redis = serviceJson({ kind: 'redis', replicas: 1, secrets: ['REDIS_PASSWORD'], ports: [{ name: 'redis', container: 6379, host: 6379 }], volumes: [] });

describe('flush executor', () => {
  let ws: TestWorkspace;
  let runtime: FakeRuntime;
  let server: FakeRedisServer;
  beforeEach(async () => {
    ws = TestWorkspace.create({ redis: { config: redis } });
    runtime = new FakeRuntime();
    server = await FakeRedisServer.start((command) =>
      command[0] === 'INFO' ? (command[1] === 'replication' ? 'role:master\r\n' : 'db0:keys=3,expires=0\r\n') : { status: 'OK' },
      { password: 'pw' },
    );
    expect(await upExecutor({}, ws.context('redis'), testDeps(runtime, { probe: () => fakeProbe() }).deps)).toEqual({ success: true });
    mkdirSync(join(ws.root, '.paws360'), { recursive: true });
    writeFileSync(join(ws.root, '.paws360', 'paws360.env'), 'REDIS_PASSWORD=pw\n');
  });
  afterEach(async () => {
    ws.dispose();
    await server.close();
  });
  const env = () => ({ PAWS360_REDIS_REDIS_PORT: String(server.port) });

  it('without a terminal and without --yes it refuses, says to pass --yes, and sends nothing', async () => {
    const { deps, errors } = testDeps(runtime, { env: env() });
    const noTerminal = (question: string, yes: boolean) => confirm(question, yes, { input: new PassThrough(), output: new PassThrough() });
    expect(await flushExecutor({}, ws.context('redis', 'flush'), deps, noTerminal)).toEqual({ success: false });
    expect(errors).toEqual(['Remove every key of redis in stack "paws360"? Not asked without a terminal: pass --yes to go ahead.']);
    expect(server.commands).toEqual([]);
  });

  it('answered no: nothing removed, success', async () => {
    const { deps, logs } = testDeps(runtime, { env: env() });
    expect(await flushExecutor({}, ws.context('redis', 'flush'), deps, async () => false)).toEqual({ success: true });
    expect(logs).toEqual(['Nothing removed.']);
    expect(server.commands).toEqual([]);
  });

  it('--yes: FLUSHALL on the master, how many keys went', async () => {
    const { deps, logs } = testDeps(runtime, { env: env() });
    expect(await flushExecutor({ yes: true }, ws.context('redis', 'flush'), deps)).toEqual({ success: true });
    expect(server.commands.map((c) => c[0])).toContain('FLUSHALL');
    expect(logs).toEqual(['paws360-redis-1: FLUSHALL, 3 keys removed (replicas follow)']);
  });
});
