import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serviceConfigSchema } from '../core/service-config';
import { fakeProbe } from '../testing/fake-probe';
import { FakeRuntime } from '../testing/fake-runtime';
import { queryFromUrl, startConsole, type RunningConsole } from './console-server';

const redis = { name: 'redis', root: 'infrastructure/redis', file: 'service.json', config: serviceConfigSchema.parse({ description: 'r', kind: 'redis', replicas: 2 }) };
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
