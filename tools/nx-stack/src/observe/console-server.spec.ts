import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { StackError } from '../core/errors';
import { serviceConfigSchema } from '../core/service-config';
import { fakeProbe } from '../testing/fake-probe';
import { FakeRuntime } from '../testing/fake-runtime';
import type { ServiceProbe } from '../kinds/kind';
import { consolePage } from './console-page';
import { queryFromUrl, startConsole, type ConsoleState, type RunningConsole } from './console-server';

const redis = { name: 'redis', root: 'infrastructure/redis', file: 'service.json', config: serviceConfigSchema.parse({ description: 'r', kind: 'redis', replicas: 2 }) };
const etcd = { name: 'etcd', root: 'infrastructure/etcd', file: 'service.json', config: serviceConfigSchema.parse({ description: 'e', kind: 'etcd', replicas: 1 }) };
const spec = (member: number) => ({
  name: `paws360-redis-${member}`,
  image: 'debian:bookworm-slim',
  hostname: `redis-${member}`,
  env: {},
  labels: { 'io.paws360.stack': 'paws360', 'io.paws360.service': 'redis', 'io.paws360.member': String(member) },
  network: 'paws360-backend',
  aliases: [],
  ports: [],
  mounts: [],
  stopTimeoutSeconds: 1,
});

describe('the stack console', () => {
  let dir: string;
  let running: RunningConsole;
  let runtime: FakeRuntime;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'console-'));
    runtime = new FakeRuntime();
    runtime.addContainer(spec(1));
    runtime.addContainer(spec(2));
    runtime.setLogs('paws360-redis-1', '2026-11-29T02:00:01.000000000Z 7:M 29 Nov 2026 02:00:01.000 * Ready to accept connections\n2026-11-29T02:00:05.000000000Z [paws360-simulation] 2026-11-29T02:00:05Z fail-master: SIGKILL redis-1\n');
    runtime.setStats('paws360-redis-1', { memoryBytes: 5 * 1024 ** 2 });
    const probe = fakeProbe();
    running = await startConsole(
      { runtime, stack: 'paws360', workspaceRoot: dir, env: {}, services: [redis], indexFile: join(dir, 'logs.db'), probe: () => probe },
      0,
      50,
    );
  });
  afterEach(async () => {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 only and serves the page', async () => {
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(running.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>PAWS360 stack console</title>');
    expect((await fetch(`${running.url}nothing`)).status).toBe(404);
  });

  it('/api/state: every member’s health and role, who leads, resources and the simulation markers', async () => {
    const state = (await (await fetch(`${running.url}api/state`)).json()) as Record<string, unknown>;
    expect(state).toMatchObject({ stack: 'paws360', healthy: 2, total: 2, leaders: { redis: 'paws360-redis-1' } });
    expect((state.stats as { containers: unknown[] }).containers).toHaveLength(2);
    expect(state.markers).toEqual([{ time: '2026-11-29T02:00:05.000000Z', container: 'paws360-redis-1', text: '[paws360-simulation] 2026-11-29T02:00:05Z fail-master: SIGKILL redis-1' }]);
  });

  it('/events pushes the state (server-sent events)', async () => {
    const answer = await fetch(`${running.url}events`);
    expect(answer.headers.get('content-type')).toBe('text/event-stream');
    const reader = answer.body!.getReader();
    let text = '';
    while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(JSON.parse(text.split('\n\n')[0].replace(/^data: /, ''))).toMatchObject({ healthy: 2, total: 2 });
  });

  it('/api/logs: the stack:logs search; a bad regex is a 400 naming it', async () => {
    const result = (await (await fetch(`${running.url}api/logs?grep=Ready&service=redis`)).json()) as { total: number; lines: Array<{ text: string }> };
    expect(result.total).toBe(1);
    const bad = await fetch(`${running.url}api/logs?grep=(`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('--grep="(" is not a valid regular expression');
  });

  it('collects from the start: the page served before any page listened already carries the health', async () => {
    let page = '';
    for (let attempt = 0; attempt < 100 && !page.includes('"healthy":2'); attempt++) {
      page = await (await fetch(running.url)).text();
      if (!page.includes('"healthy":2')) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(page).toContain('const initial = {"stack":"paws360"');
    expect(page).toContain('"pending":[]');
  });

  it('queryFromUrl reads the filters', () => {
    expect(queryFromUrl(new URL('http://x/api/logs?service=a,b&level=warn&since=2026-11-29T02:00:00Z&limit=20'))).toMatchObject({
      services: ['a', 'b'],
      level: 'warn',
      sinceMs: Date.parse('2026-11-29T02:00:00Z'),
      limit: 20,
    });
    expect(queryFromUrl(new URL('http://x/api/logs?level=loud'))).toMatchObject({ level: undefined, limit: 500 });
  });
});

/** The first event of /events, parsed. */
async function firstEvent(url: string): Promise<ConsoleState> {
  const answer = await fetch(`${url}events`);
  const reader = answer.body!.getReader();
  let text = '';
  while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
  await reader.cancel();
  return JSON.parse(text.split('\n\n')[0].replace(/^data: /, '')) as ConsoleState;
}

describe('the stack console, section by section', () => {
  let dir: string;
  let running: RunningConsole | undefined;
  /** What a test holds back (a probe, the logs); released before closing, which waits for what is in flight. */
  let release: () => void;
  let released: Promise<void>;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'console-'));
    released = new Promise<void>((resolve) => (release = resolve));
  });
  afterEach(async () => {
    release();
    await running?.close();
    running = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows each service as soon as its probe answers: the slow one is pending, not holding the others back', async () => {
    const runtime = new FakeRuntime();
    runtime.addContainer(spec(1));
    const fast = fakeProbe();
    const slow: ServiceProbe = { ...fakeProbe(), health: async (ctx) => (await released, fast.health(ctx)) };
    running = await startConsole(
      { runtime, stack: 'paws360', workspaceRoot: dir, env: {}, services: [etcd, redis], indexFile: join(dir, 'logs.db'), probe: (s) => (s.name === 'etcd' ? slow : fast) },
      0,
      50,
    );
    let state = await firstEvent(running.url);
    for (let attempt = 0; attempt < 100 && state.health.length === 0; attempt++) state = await firstEvent(running.url);
    expect(state).toMatchObject({ pending: ['etcd'], health: [{ service: 'redis' }], healthy: 1, total: 2, leaders: { redis: 'paws360-redis-1' } });
    expect(consolePage(state)).toContain('"pending":["etcd"]');
    release();
    for (let attempt = 0; attempt < 100 && state.pending.length; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      state = await firstEvent(running.url);
    }
    // etcd's one member has no container here: its verdict, not a wait.
    expect(state).toMatchObject({ pending: [], healthy: 1, total: 3 });
  });

  it('the health is shown while the log index is still syncing (its first sync parses every line)', async () => {
    const runtime = new FakeRuntime();
    runtime.addContainer(spec(1));
    runtime.setLogs('paws360-redis-1', '2026-11-29T02:00:05.000000000Z [paws360-simulation] 2026-11-29T02:00:05Z fail-master: SIGKILL redis-1\n');
    const logs = runtime.logs.bind(runtime);
    jest.spyOn(runtime, 'logs').mockImplementation(async (...args) => (await released, logs(...args)));
    const probe = fakeProbe();
    running = await startConsole({ runtime, stack: 'paws360', workspaceRoot: dir, env: {}, services: [redis], indexFile: join(dir, 'logs.db'), probe: () => probe }, 0, 50);
    let state = await firstEvent(running.url);
    for (let attempt = 0; attempt < 100 && state.pending.length; attempt++) state = await firstEvent(running.url);
    // Member 2 has no container: 1 of 2 healthy.
    expect(state).toMatchObject({ healthy: 1, total: 2, markers: [] });
    release();
    for (let attempt = 0; attempt < 100 && state.markers.length === 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      state = await firstEvent(running.url);
    }
    expect(state.markers).toHaveLength(1);
  });

  it('a busy port: a StackError naming the port, its owner, how to find it and --port; a console on a free port starts after it', async () => {
    const holder = createNetServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as AddressInfo).port;
    try {
      const probe = fakeProbe();
      const attempt = startConsole({ runtime: new FakeRuntime(), stack: 'paws360', workspaceRoot: dir, env: {}, services: [redis], indexFile: join(dir, 'logs.db'), probe: () => probe }, port, 50);
      await expect(attempt).rejects.toThrow(StackError);
      await expect(attempt).rejects.toThrow(new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use.*ss -tanp 'sport = :${port}'.*--port=<n>.*--port=0 picks a free one`));
      // A listener is named, as a service's busy port is (lifecycle/port-owner): here, this test process.
      await expect(attempt).rejects.toThrow(`(pid ${process.pid}) (find its owner with`);
      running = await startConsole({ runtime: new FakeRuntime(), stack: 'paws360', workspaceRoot: dir, env: {}, services: [redis], indexFile: join(dir, 'logs.db'), probe: () => probe }, 0, 50);
      expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('a state whose text would close the page’s script stays text', () => {
    const state = { stack: 's', time: '2026-11-29T02:00:00.000Z', health: [], healthy: 0, total: 0, leaders: {}, pending: [], markers: [{ time: 't', container: 'c', text: "</script><script>alert(1)</script> $' $&" }] };
    const page = consolePage(state);
    expect(page).not.toContain('</script><script>alert(1)');
    expect(page).toContain("\\u003c/script> $' $&");
  });
});
