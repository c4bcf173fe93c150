// Specs hand executors their own runtime, so the real one is never made: keep
// dockerode (slow to load) out of this suite.
jest.mock('../../runtime/dockerode-runtime', () => ({ DockerodeRuntime: jest.fn() }));

import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { TestWorkspace, serviceJson, testDeps } from '../../testing/executor-context';
import { fakeProbe } from '../../testing/fake-probe';
import { FakeRuntime } from '../../testing/fake-runtime';
import upExecutor from '../up/executor';
import runExecutor, { type Spawn } from './executor';

const app = serviceJson({
  description: 'an app',
  kind: 'http',
  replicas: 1,
  dependsOn: ['etcd'],
  secrets: ['APP_PASSWORD'],
  env: { LOG_LEVEL: 'debug' },
  ports: [{ name: 'http', container: 8080, host: 8080 }],
  healthCheck: { port: 'http', path: '/health' },
  volumes: [],
});

describe('run executor', () => {
  let ws: TestWorkspace;
  let runtime: FakeRuntime;
  let calls: Array<{ command: string; cwd: string; env: Record<string, string> }>;
  const spawn =
    (result: Awaited<ReturnType<Spawn>> = { exitCode: 0 }): Spawn =>
    async (command, options) => {
      calls.push({ command, ...options });
      return result;
    };

  beforeEach(() => {
    ws = TestWorkspace.create({ etcd: {}, app: { config: app } });
    runtime = new FakeRuntime();
    calls = [];
  });
  afterEach(() => ws.dispose());

  it('refuses while a dependency is not running, naming it and the command that starts it; nothing is spawned', async () => {
    const { deps, errors } = testDeps(runtime, { probe: () => fakeProbe() });
    expect(await runExecutor({ command: 'node main.js' }, ws.context('app', 'dev'), deps, spawn())).toEqual({ success: false });
    expect(errors.join('\n')).toMatch(/app runs against stack "paws360", but etcd is not ready .*npx nx run-many -t up -p etcd/);
    expect(calls).toEqual([]);
  });

  it('runs the command from the workspace root with the stack env for the host: its env, the secrets, the target’s variables last', async () => {
    const up = testDeps(runtime, { probe: () => fakeProbe() });
    expect(await upExecutor({}, ws.context('etcd'), up.deps)).toEqual({ success: true });
    mkdirSync(join(ws.root, '.paws360'), { recursive: true });
    writeFileSync(join(ws.root, '.paws360', 'paws360.env'), 'APP_PASSWORD=s3cret\n');
    const { deps, logs } = testDeps(runtime, { probe: () => fakeProbe(), env: { PAWS360_PORT_OFFSET: '7' } });
    const result = await runExecutor({ command: 'node main.js', args: '--flag', env: { LOG_LEVEL: 'info', PORT: '8081' } }, ws.context('app', 'dev'), deps, spawn());
    expect(result).toEqual({ success: true });
    expect(calls).toHaveLength(1);
    expect(calls[0].command).toBe('node main.js --flag');
    expect(calls[0].cwd).toBe(ws.root);
    expect(calls[0].env).toMatchObject({
      PAWS360_STACK: 'paws360',
      PAWS360_SERVICE: 'app',
      PAWS360_ETCD_CLIENT_ENDPOINTS: '127.0.0.1:2386,127.0.0.1:2387,127.0.0.1:2388',
      APP_PASSWORD: 's3cret',
      LOG_LEVEL: 'info',
      PORT: '8081',
    });
    // What it prints names the addresses, never a secret.
    expect(logs.join('\n')).toContain('PORT=8081');
    expect(logs.join('\n')).not.toContain('s3cret');
  });

  it('a command that fails makes the target fail, naming the command and its exit code; Ctrl-C is a normal stop', async () => {
    const up = testDeps(runtime, { probe: () => fakeProbe() });
    await upExecutor({}, ws.context('etcd'), up.deps);
    const failed = testDeps(runtime, { probe: () => fakeProbe() });
    expect(await runExecutor({ command: 'node migrate.js' }, ws.context('app', 'migrate'), failed.deps, spawn({ exitCode: 3 }))).toEqual({ success: false });
    expect(failed.errors).toEqual(['app: `node migrate.js` exited 3']);
    const stopped = testDeps(runtime, { probe: () => fakeProbe() });
    expect(await runExecutor({ command: 'node main.js' }, ws.context('app', 'dev'), stopped.deps, spawn({ signal: 'SIGINT' }))).toEqual({ success: true });
  });

  it('an empty command is an option error, before anything is probed or spawned', async () => {
    const { deps, errors } = testDeps(runtime, { probe: () => fakeProbe() });
    expect(await runExecutor({ command: ' ' }, ws.context('app', 'dev'), deps, spawn())).toEqual({ success: false });
    expect(errors.join('\n')).toMatch(/command.*expected the command to run/);
    expect(calls).toEqual([]);
  });
});
