import { execa } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import {
  consoleRenders,
  firstHealthRender,
  jsonLine,
  lastPatroniFailover,
  nx,
  NX_BIN,
  outcome,
  patroniLeaderShown,
  recordConsoleRenders,
  runTarget,
  StackDocker,
  startNx,
  SUCCEEDED,
  testStackEnv,
  workspaceRoot,
} from '@paws360/stack-testing';

// A throwaway stack beside any developer stack: its own names, ports shifted by 26500
// (api 8080 → 34580, Prometheus 9090 → 35590, console 9400 → 35900). The data tier, the API, then the
// observability profile on top: the stack-wide views (logs, stats, metrics) on real containers.
const STACK = 'paws360-it-obs';
const OFFSET = 26500;
const env = testStackEnv(STACK, OFFSET);
const docker = new StackDocker(STACK);
const API = `http://127.0.0.1:${8080 + OFFSET}`;
const PROMETHEUS = `http://127.0.0.1:${9090 + OFFSET}`;
const TRACE = 'c0ffee00c0ffee00c0ffee00' + Date.now().toString(16).padStart(8, '0').slice(-8);

interface LogLine {
  time: string;
  service: string;
  member: number;
  container: string;
  level?: string;
  traceId?: string;
  text: string;
}

/**
 * `stack:logs --json` through nx, stdout alone, with `--outputStyle=static`:
 * Nx's streamed output (stream, stream-without-prefixes) breaks a line
 * wherever its 64 KiB read of the task's pipe ends (docs/observability.md),
 * which a machine reader must not get. Every line must parse. The other
 * queries call the executor in this process (runTarget): what they check is
 * the filters, not Nx's output.
 */
async function logsThroughNx(...args: string[]): Promise<LogLine[]> {
  const result = await execa(process.execPath, [NX_BIN, 'run', 'stack:logs', '--json', '--outputStyle=static', ...args], {
    cwd: workspaceRoot,
    env,
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
  });
  expect({ exitCode: result.exitCode, output: result.exitCode === 0 ? '' : `${result.stdout}\n${result.stderr}` }).toEqual({ exitCode: 0, output: '' });
  return parseLogLines(result.stdout);
}

async function logs(...args: string[]): Promise<LogLine[]> {
  const result = await runTarget(env, 'stack:logs', '--json', ...args);
  expect(outcome(result)).toEqual(SUCCEEDED);
  return parseLogLines(result.output);
}

function parseLogLines(output: string): LogLine[] {
  const lines = output.split('\n').filter((line) => line.startsWith('{'));
  return lines.map((line, index) => {
    try {
      return JSON.parse(line) as LogLine;
    } catch (error) {
      throw new Error(`line ${index + 1} of ${lines.length} of stack:logs --json is not JSON (${(error as Error).message}): ${line.slice(0, 200)}`);
    }
  });
}

beforeAll(async () => {
  await docker.remove();
  // The api's build chain runs the plugin's unit tests, some of which read PAWS360_PORT_OFFSET from the
  // environment: build it first without this stack's offset, so api:up below replays those from the cache.
  const build = await nx({ ...env, PAWS360_PORT_OFFSET: '0' }, 'run', 'api:build');
  expect(outcome(build)).toEqual(SUCCEEDED);
  // One task at a time: a service's run-wide port check can race the members another task is creating.
  const up = await nx(env, 'run', 'api:up', '--parallel=1');
  expect(outcome(up)).toEqual(SUCCEEDED);
}, 15 * 60_000);

afterAll(async () => {
  await docker.remove();
}, 5 * 60_000);

describe('stack:logs', () => {
  // Bounded queries: Nx can drop the tail of a task's very long output (see core/output.ts).
  it('one chronological view of every service', async () => {
    const lines = await logsThroughNx('--limit=500');
    const times = lines.map((l) => l.time);
    expect(times).toEqual([...times].sort());
    for (const service of ['etcd', 'patroni', 'router', 'redis', 'sentinel', 'api']) {
      const own = await logs(`--service=${service}`, '--limit=50');
      expect([service, own.length > 0, own.every((l) => l.service === service)]).toEqual([service, true, true]);
      // Every kind's lines carry their level (the router's first line is its entrypoint's, without one).
      if (service !== 'router') expect([service, own.some((l) => l.level !== undefined)]).toEqual([service, true]);
    }
  });

  it('--service, --member, --level, --grep and --since filter', async () => {
    const patroni = await logs('--service=patroni', '--limit=400');
    expect(patroni.length).toBeGreaterThan(0);
    expect(new Set(patroni.map((l) => l.service))).toEqual(new Set(['patroni']));
    const member = await logs('--member=redis-2', '--limit=200');
    expect(new Set(member.map((l) => l.container))).toEqual(new Set([`${STACK}-redis-2`]));
    const warnings = await logs('--level=warn', '--limit=200');
    for (const line of warnings) expect(['warn', 'error', 'fatal']).toContain(line.level);
    const ready = await logs('--grep=ready to accept connections', '--limit=200');
    expect(ready.length).toBeGreaterThan(0);
    for (const line of ready) expect(line.text).toMatch(/ready to accept connections/);
    const cutoff = patroni[Math.floor(patroni.length / 2)].time;
    const since = await logs(`--since=${cutoff}`, '--service=patroni', '--limit=400');
    expect(since.length).toBeGreaterThan(0);
    for (const line of since) expect(line.time >= cutoff.slice(0, 19)).toBe(true);
  });

  it('a trace id the API answered with finds the request’s lines (TC-026)', async () => {
    const response = await fetch(`${API}/api/students?page=1`, { headers: { traceparent: `00-${TRACE}-00f067aa0ba902b7-01` } });
    expect(response.headers.get('x-trace-id')).toBe(TRACE);
    // The engine has the line once the API wrote it; a few tries cover its buffering.
    let found: LogLine[] = [];
    for (let attempt = 0; attempt < 10 && found.length === 0; attempt++) {
      found = await logs(`--trace-id=${TRACE}`);
      if (found.length === 0) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((l) => l.traceId === TRACE)).toBe(true);
    expect(found.map((l) => l.service)).toContain('api');
  });

  it('human output: one line per log line with member and level, and the footer', async () => {
    const result = await runTarget(env, 'stack:logs', '--service=etcd', '--limit=5');
    expect(outcome(result)).toEqual(SUCCEEDED);
    expect(result.output).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} etcd-\d +INFO /);
    expect(result.output).toMatch(/the last 5 of \d+ matching lines .* from \d+ containers; index synced in \d+ ms/);
  });
});

describe('stack:stats', () => {
  it('--json lists every container of the stack, totals their sums', async () => {
    const result = await runTarget(env, 'stack:stats', '--json');
    expect(outcome(result)).toEqual(SUCCEEDED);
    const stats = jsonLine<{ containers: Array<{ name: string; state: string; memoryBytes: number; cpuPercent: number }>; total: { memoryBytes: number } }>(result.output);
    const names = (await docker.containers()).map((c) => c.name).sort();
    expect(stats.containers.map((c) => c.name).sort()).toEqual(names);
    for (const c of stats.containers.filter((x) => x.state === 'running')) expect([c.name, c.memoryBytes > 0]).toEqual([c.name, true]);
    expect(stats.total.memoryBytes).toBe(stats.containers.reduce((sum, c) => sum + c.memoryBytes, 0));
  });
});

describe('the observability profile', () => {
  it('is not started by up: no Prometheus container before stack:observe', async () => {
    expect((await docker.containers()).map((c) => c.name)).not.toContain(`${STACK}-prometheus-1`);
  });

  it('stack:observe starts Prometheus with every generated target up, its UI on 127.0.0.1', async () => {
    const started = Date.now();
    const result = await nx(env, 'run', 'stack:observe', '--json');
    expect(outcome(result)).toEqual(SUCCEEDED);
    const report = jsonLine<{ healthy: boolean; urls: Array<{ url: string }> }>(result.output);
    expect(report.healthy).toBe(true);
    expect(report.urls[0].url).toBe(PROMETHEUS);
    const targets = (await (await fetch(`${PROMETHEUS}/api/v1/targets?state=active`)).json()) as { data: { activeTargets: Array<{ labels: { job: string; instance: string }; health: string }> } };
    const byJob = new Map<string, string[]>();
    for (const t of targets.data.activeTargets) byJob.set(t.labels.job, [...(byJob.get(t.labels.job) ?? []), `${t.labels.instance}=${t.health}`]);
    expect(Object.fromEntries([...byJob].map(([job, list]) => [job, list.sort()]))).toEqual({
      prometheus: ['localhost:9090=up'],
      etcd: ['etcd-1:2379=up', 'etcd-2:2379=up', 'etcd-3:2379=up'],
      patroni: ['patroni-1:8008=up', 'patroni-2:8008=up', 'patroni-3:8008=up'],
      'patroni-postgres': ['patroni-1:5432=up', 'patroni-2:5432=up', 'patroni-3:5432=up'],
      router: ['router-1:7000=up'],
      redis: ['redis-1:6379=up', 'redis-2:6379=up', 'redis-3:6379=up'],
      api: ['api-1:8080=up'],
    });
    // The documented queries answer (docs/observability.md).
    for (const query of ['pg_up', 'redis_up', 'haproxy_process_nbproc', 'etcd_server_has_leader']) {
      const answer = (await (await fetch(`${PROMETHEUS}/api/v1/query?query=${encodeURIComponent(query)}`)).json()) as { data: { result: unknown[] } };
      expect([query, answer.data.result.length > 0]).toEqual([query, true]);
    }
    process.stderr.write(`observe: every target up ${((Date.now() - started) / 1000).toFixed(1)} s after nx run stack:observe\n`);
  });

  it('its port is published on 127.0.0.1 only', async () => {
    const { stdout } = await execa('docker', ['port', `${STACK}-prometheus-1`]);
    expect(stdout.trim().split('\n')).toEqual([`9090/tcp -> 127.0.0.1:${9090 + OFFSET}`]);
  });
});

describe('stack:console', () => {
  const URL_LINE = /stack console on (http:\/\/127\.0\.0\.1:\d+\/)/;
  let consoleNx: ReturnType<typeof startNx>;
  let url: string;
  let browser: BrowserContext;
  let profile: string;
  beforeAll(async () => {
    profile = mkdtempSync(join(tmpdir(), 'paws360-console-'));
    browser = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
    consoleNx = startNx(env, 'run', 'stack:console');
    await consoleNx.waitForOutput(URL_LINE, 120_000);
    url = URL_LINE.exec(consoleNx.output())![1];
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    consoleNx?.interrupt();
    await consoleNx?.exited;
    rmSync(profile, { recursive: true, force: true });
  }, 60_000);

  /** A page of the console recording its renders (timed by the page), and the console errors it logs. */
  async function open() {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    page.on('pageerror', (error) => errors.push(error.message));
    await recordConsoleRenders(page);
    await page.goto(url);
    await page.waitForFunction("/^\\d+\\/\\d+ healthy$/.test(document.getElementById('summary').textContent)", undefined, { timeout: 30_000 });
    const first = firstHealthRender(await consoleRenders(page))!;
    return { page, errors, first };
  }

  it('loads in a real browser (Debian chromium) with no console errors and shows every member healthy, the leaders and the logs', async () => {
    expect(url).toBe(`http://127.0.0.1:${9400 + OFFSET}/`);
    const { page, errors, first } = await open();
    process.stderr.write(`console: first paint (every member's health shown) ${Math.round(first.sinceNavigation)} ms after navigation start\n`);
    // What stack:health counts (this stack runs the data tier and the api; the web app is not started, so it counts as absent).
    const health = jsonLine<{ services: Array<{ components: Array<{ status: string }> }> }>((await runTarget(env, 'stack:health', '--json')).output);
    const components = health.services.flatMap((s) => s.components);
    const expected = `${components.filter((c) => c.status === 'healthy').length}/${components.length} healthy`;
    expect(components.filter((c) => c.status === 'healthy').length).toBeGreaterThanOrEqual(14);
    await page.waitForFunction(`document.getElementById('summary').textContent === ${JSON.stringify(expected)}`, undefined, { timeout: 30_000 });
    expect(await page.textContent('#leaders')).toMatch(/patroni leader\/master: paws360-it-obs-patroni-\d/);
    await page.waitForFunction("document.getElementById('logs').children.length > 0", undefined, { timeout: 15_000 });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('reflects patroni:fail-leader: the new leader is shown soon after Patroni elects it', async () => {
    const { page, errors, first } = await open();
    const before = patroniLeaderShown(first);
    expect(before).toMatch(/^paws360-it-obs-patroni-\d$/);
    const simulation = await runTarget(env, 'patroni:fail-leader', '--json');
    const report = jsonLine<{ scenario: string; passed: boolean; measurements: Record<string, unknown> }>(simulation.output.split('\n').filter((l) => l.includes('"scenario"')).join('\n'));
    expect({ passed: report.passed, output: report.passed ? '' : simulation.output.slice(-4000) }).toEqual({ passed: true, output: '' });
    // Patroni's own record of the election: the time PostgreSQL switched timeline on the new leader.
    const election = await lastPatroniFailover(env);
    expect(election).toBeDefined();
    const newLeader = `paws360-it-obs-${election!.newLeader}`;
    expect(newLeader).not.toBe(before);
    // The simulation also restarted the old leader as a replica: by now the page has had ample time; a generous limit
    // (the 3 s is a benchmark goal, nx run stack:bench measures it), the delay logged.
    await page.waitForFunction(`document.getElementById('leaders').textContent.includes('patroni leader/master: ${newLeader}')`, undefined, { timeout: 30_000 });
    const shown = (await consoleRenders(page)).find((r) => patroniLeaderShown(r) === newLeader)!;
    const delaySeconds = (shown.at - election!.at) / 1000;
    process.stderr.write(`console: ${before} → ${newLeader} elected ${new Date(election!.at).toISOString()}, shown ${delaySeconds.toFixed(2)} s after the election\n`);
    expect(delaySeconds).toBeLessThanOrEqual(30);
    expect(errors).toEqual([]);
    await page.close();
  }, 5 * 60_000);
});
