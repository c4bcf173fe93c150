/**
 * The application tier's rows of `nx run stack:bench` (section "apps"), on
 * the bench stack with every service up: memory at rest per service, the
 * API's latency under a bounded loopback load, errors after a Patroni
 * failover, and the dev loop (api:rebuild, api:dev save → new response).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { jsonLine, nx, startNx, waitFor, workspaceRoot } from '@paws360/stack-testing';
import { median, type Row } from './rows';

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];

/** "12.5MiB / 256MiB" → bytes of the first figure. */
export function parseMemUsage(text: string): number {
  const match = /^([\d.]+)\s*([KMG]i?B|B)/i.exec(text.trim());
  if (!match) return 0;
  const unit = match[2].toUpperCase().replace('I', '');
  const factor = unit === 'KB' ? 1024 : unit === 'MB' ? 1024 ** 2 : unit === 'GB' ? 1024 ** 3 : 1;
  return Number(match[1]) * factor;
}

/** Memory in use by every container of the stack right now (docker stats), summed per service. */
export async function memoryAtRest(stack: string): Promise<Row[]> {
  const names = (await execa('docker', ['ps', '--filter', `label=io.paws360.stack=${stack}`, '--format', '{{.Names}}'])).stdout.split('\n').filter(Boolean);
  if (names.length === 0) throw new Error(`no running container in stack ${stack}`);
  const stats = (await execa('docker', ['stats', '--no-stream', '--format', '{{.Name}}\t{{.MemUsage}}', ...names])).stdout.split('\n').filter(Boolean);
  const perService = new Map<string, number>();
  for (const line of stats) {
    const [name, usage] = line.split('\t');
    const service = name.slice(stack.length + 1).replace(/-\d+$/, '');
    perService.set(service, (perService.get(service) ?? 0) + parseMemUsage(usage));
  }
  const MiB = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
  const total = [...perService.values()].reduce((a, b) => a + b, 0);
  return [
    {
      measurement: `memory at rest, whole stack (${names.length} containers, docker stats)`,
      runs: 1,
      count: Math.round(total / 1024 ** 2),
      goalText: '≤ 1024 MiB',
      note: `${MiB(total)}: ${[...perService.entries()].map(([service, bytes]) => `${service} ${MiB(bytes)}`).join(', ')}${total <= 1024 ** 3 ? ' ✓' : ' ✗'}`,
    },
  ];
}

/** One keep-alive GET on `agent`: status and x-cache, the body drained; rejects after 5 s. */
function get(url: URL, agent: http.Agent): Promise<{ status: number; cache: string | undefined }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent }, (response) => {
      response.on('data', () => undefined);
      response.on('end', () => resolve({ status: response.statusCode ?? 0, cache: response.headers['x-cache'] as string | undefined }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.setTimeout(5000, () => request.destroy(new Error(`GET ${url.href} took over 5 s`)));
  });
}

/**
 * `concurrency` workers issue `total` GETs of `url` on loopback over
 * keep-alive connections: latencies in ms, errors, cache hits, requests/s.
 * node:http's agent, not fetch: on two cores the load generator competes with
 * the API for CPU, and undici's fetch spent about twice the CPU per request
 * (p95 67 ms against 16–30 ms for the same API), which measured the client.
 */
export async function loadTest(
  url: string,
  total: number,
  concurrency: number,
): Promise<{ latencies: number[]; errors: number; cacheHits: number; perSecond: number }> {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let errors = 0;
  let cacheHits = 0;
  let issued = 0;
  const worker = async () => {
    while (issued < total) {
      issued += 1;
      const started = performance.now();
      try {
        const { status, cache } = await get(target, agent);
        if (status !== 200) errors += 1;
        if (cache === 'hit') cacheHits += 1;
      } catch {
        errors += 1;
      }
      latencies.push(performance.now() - started);
    }
  };
  const began = performance.now();
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
  return { latencies, errors, cacheHits, perSecond: (total / (performance.now() - began)) * 1000 };
}

/** What ApacheBench reports: latency percentiles (ms) from its CSV, failures and throughput. */
export interface AbResult {
  percentiles: Map<number, number>;
  complete: number;
  failed: number;
  non2xx: number;
  perSecond: number;
}

/** Parses `ab`'s report and the CSV it writes with `-e` ("Percentage served,Time in ms", 0–99). */
export function parseAb(report: string, csv: string): AbResult {
  const number = (label: RegExp) => Number(label.exec(report)?.[1] ?? NaN);
  const percentiles = new Map<number, number>();
  for (const line of csv.split('\n').slice(1)) {
    const [p, ms] = line.split(',').map(Number);
    if (Number.isFinite(p) && Number.isFinite(ms)) percentiles.set(p, ms);
  }
  const complete = number(/^Complete requests:\s+(\d+)/m);
  if (!Number.isFinite(complete) || percentiles.size === 0) throw new Error(`ab's report has no result:\n${report.slice(-2000)}`);
  return {
    percentiles,
    complete,
    failed: number(/^Failed requests:\s+(\d+)/m),
    // ab prints this line only when some answer was not a 2xx.
    non2xx: number(/^Non-2xx responses:\s+(\d+)/m) || 0,
    perSecond: number(/^Requests per second:\s+([\d.]+)/m),
  };
}

/**
 * `total` keep-alive GETs of `url`, `concurrency` at a time, from ApacheBench
 * (tools/provision/load-generator.sh installs it when missing): a C client,
 * so the two cores go to the API rather than to the load generator.
 */
let abInstalled: Promise<unknown> | undefined;

export async function abLoad(url: string, total: number, concurrency: number): Promise<AbResult> {
  // Checked (and provisioned) once per bench run, not before each of the warm-up rounds.
  abInstalled ??= execa('ab', ['-V'], { reject: false }).then((ab) =>
    ab.exitCode === 0 ? undefined : execa('bash', [join(workspaceRoot, 'tools/provision/load-generator.sh')], { stdio: 'inherit' }),
  );
  await abInstalled;
  const dir = mkdtempSync(join(tmpdir(), 'paws360-ab-'));
  try {
    const csv = join(dir, 'percentiles.csv');
    const run = await execa('ab', ['-k', '-q', '-n', String(total), '-c', String(concurrency), '-s', '5', '-e', csv, url], { reject: false, timeout: 120_000 });
    if (run.exitCode !== 0) throw new Error(`ab ${url} exited ${run.exitCode}:\n${run.stderr || run.stdout}`);
    return parseAb(run.stdout, readFileSync(csv, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The API's answer to /actuator/info's app.version, or undefined while it does not answer. */
async function apiVersion(base: string): Promise<string | undefined> {
  try {
    const response = await fetch(`${base}/actuator/info`, { signal: AbortSignal.timeout(1000) });
    return response.ok ? ((await response.json()) as { app: { version: string } }).app.version : undefined;
  } catch {
    return undefined;
  }
}

const VERSION_FILE = join(workspaceRoot, 'apps/api/src/version.ts');

/** Runs `change` with APP_VERSION set to `marker` in the API's source, restoring the file afterwards. */
async function withApiVersion<T>(marker: string, change: () => Promise<T>): Promise<T> {
  const original = readFileSync(VERSION_FILE, 'utf8');
  if (!/APP_VERSION = '[^']*'/.test(original)) throw new Error(`${VERSION_FILE} has no APP_VERSION = '…' to change`);
  try {
    writeFileSync(VERSION_FILE, original.replace(/APP_VERSION = '[^']*'/, `APP_VERSION = '${marker}'`));
    return await change();
  } finally {
    writeFileSync(VERSION_FILE, original);
  }
}

export interface AppBenchContext {
  env: NodeJS.ProcessEnv;
  stack: string;
  /** The API's base URL on the host (published port of the bench stack). */
  api: string;
}

/** Cumulative `le` bucket counts of the API's own latency histogram for one route (GET, 200), from /metrics. */
export function routeBuckets(metricsText: string, route: string): Map<number, number> {
  const buckets = new Map<number, number>();
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith('http_request_duration_seconds_bucket{')) continue;
    if (!line.includes(`route="${route}"`) || !line.includes('method="GET"') || !line.includes('status_code="200"')) continue;
    const match = /le="([^"]+)"[^}]*\}\s+([\d.e+-]+)/.exec(line);
    if (match) buckets.set(match[1] === '+Inf' ? Infinity : Number(match[1]), Number(match[2]));
  }
  return buckets;
}

/** The smallest bucket bound holding `p` % of the requests between two scrapes: the API's own p95, to a bucket. */
export function bucketPercentile(before: Map<number, number>, after: Map<number, number>, p: number): number | undefined {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  if (total <= 0) return undefined;
  return bounds.find((le) => (after.get(le) ?? 0) - (before.get(le) ?? 0) >= (p / 100) * total);
}

/** The host's CPU time so far from /proc/stat: busy and total jiffies over every core. */
function cpuTimes(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = fields[3] + (fields[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

/**
 * Waits until the host has been at least `minIdle` idle over a whole second
 * (a stack that just started settles for a while: Patroni's replicas catch
 * up after the seed, the web server warms), at most `timeoutMs`. Returns how
 * long it waited and the idle share of the last second, for the row's note.
 */
export async function waitForQuietCpu(minIdle = 0.7, timeoutMs = 60_000): Promise<{ waitedMs: number; idle: number }> {
  const started = Date.now();
  for (;;) {
    const before = cpuTimes();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after = cpuTimes();
    const idle = 1 - (after.busy - before.busy) / Math.max(1, after.total - before.total);
    if (idle >= minIdle || Date.now() - started >= timeoutMs) return { waitedMs: Date.now() - started, idle };
  }
}

/** Seeds, then 2,000 cached student reads, 20 at a time, on loopback: p50/p95/p99 at the client, p95 inside the API. */
export async function latencyRows(ctx: AppBenchContext): Promise<Row[]> {
  const seeded = await nx(ctx.env, 'run', 'api:seed');
  if (seeded.exitCode !== 0) throw new Error(`nx run api:seed failed:\n${seeded.output.slice(-3000)}`);
  const list = (await (await fetch(`${ctx.api}/api/students?pageSize=1`)).json()) as { items: Array<{ id: number }> };
  const id = list.items[0]?.id;
  if (id === undefined) throw new Error('the seeded API lists no student');
  const url = `${ctx.api}/api/students/${id}`;
  // Warm-up, not counted: the cache entry, connections, and the API's JIT and heap. A freshly started API is
  // several times slower for its first thousands of requests (3,700 requests/s and p95 15 ms against 9,400 and
  // 3 ms once warm, on this machine), so rounds of 2,000 run until two in a row agree on throughput within 10 %.
  await loadTest(url, 200, 20);
  const rounds: number[] = [];
  for (let i = 0; i < 10; i++) {
    rounds.push((await abLoad(url, 2000, 20)).perSecond);
    if (rounds.length >= 2 && Math.abs(rounds[rounds.length - 1] - rounds[rounds.length - 2]) <= 0.1 * rounds[rounds.length - 2]) break;
  }
  const quiet = await waitForQuietCpu();
  const quietText =
    `after ${rounds.length} warm-up rounds of 2,000 (${rounds.map((r) => Math.round(r)).join(', ')} requests/s), ` +
    `once the host was ${Math.round(quiet.idle * 100)} % idle (waited ${(quiet.waitedMs / 1000).toFixed(0)} s)`;
  const scrape = async () => routeBuckets(await (await fetch(`${ctx.api}/metrics`)).text(), '/api/students/:id');
  // The goal's measurement: ApacheBench, a C client.
  let before = await scrape();
  const ab = await abLoad(url, 2000, 20);
  const abInside = bucketPercentile(before, await scrape(), 95);
  const ms = (p: number) => ab.percentiles.get(p) ?? NaN;
  // The same load from a Node.js client in this process, which competes with the API for the two cores.
  before = await scrape();
  const { latencies, errors, cacheHits, perSecond } = await loadTest(url, 2000, 20);
  const inside = bucketPercentile(before, await scrape(), 95);
  const insideText = (le: number | undefined) => `inside the API (its own histogram) p95 ≤ ${le === undefined ? '?' : `${le * 1000} ms`}`;
  return [
    {
      measurement: `API p95 latency, cached student read (2,000 keep-alive GETs, 20 concurrent, loopback, ApacheBench; p50 ${ms(50)} ms, p99 ${ms(99)} ms)`,
      pluginSeconds: ms(95) / 1000,
      goalSeconds: 0.01,
      runs: 1,
      note: `${ab.failed + ab.non2xx} errors of ${ab.complete}, ${Math.round(ab.perSecond)} requests/s; ${insideText(abInside)}; ${quietText}`,
    },
    {
      measurement: `the same load from a Node.js client in the bench process (node:http keep-alive; p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms)`,
      pluginSeconds: percentile(latencies, 95) / 1000,
      runs: 1,
      note: `${errors} errors, ${cacheHits} cache hits, ${Math.round(perSecond)} requests/s; ${insideText(inside)}`,
    },
  ];
}

/** patroni:fail-leader, then 500 reads once it has recovered: how many fail (goal 0). */
export async function failoverErrorRows(ctx: AppBenchContext): Promise<Row[]> {
  const result = await nx(ctx.env, 'run', 'patroni:fail-leader', '--json');
  const report = jsonLine<{ passed: boolean; measurements: Record<string, number> }>(result.output);
  await waitFor('the API healthy after the failover', async () => (await fetch(`${ctx.api}/actuator/health`).catch(() => undefined))?.status === 200, 120_000, 500);
  const { errors } = await loadTest(`${ctx.api}/api/students?page=1&pageSize=20`, 500, 10);
  return [
    {
      measurement: `API errors after a Patroni failover, once recovered (500 list reads; failover ${report.measurements.failoverSeconds ?? '?'} s, ${report.passed ? 'passed' : 'FAILED'})`,
      count: errors,
      goalCount: 0,
      runs: 1,
    },
  ];
}

/** api:rebuild after a source change, from the command's start until the new code answers. */
export async function rebuildRows(ctx: AppBenchContext, runs: number): Promise<Row[]> {
  const seconds: number[] = [];
  for (let i = 0; i < runs; i++) {
    const marker = `bench-rebuild-${Date.now()}`;
    const elapsed = await withApiVersion(marker, async () => {
      const started = performance.now();
      const result = await nx(ctx.env, 'run', 'api:rebuild');
      if (result.exitCode !== 0) throw new Error(`nx run api:rebuild failed:\n${result.output.slice(-3000)}`);
      await waitFor(`the rebuilt API to answer version ${marker}`, async () => (await apiVersion(ctx.api)) === marker, 120_000, 100);
      return (performance.now() - started) / 1000;
    });
    seconds.push(elapsed);
  }
  // Back to the committed code.
  await nx(ctx.env, 'run', 'api:rebuild');
  return [
    {
      measurement: 'api:rebuild after a source change → the new code answers (bundle, image, only the api container recreated)',
      cliSeconds: median(seconds),
      goalSeconds: 10,
      runs,
      note: `runs ${seconds.map((s) => s.toFixed(1)).join(', ')} s`,
    },
  ];
}

/** api:dev against the bench stack: a save → the restarted process answers with the change. */
export async function devLoopRows(ctx: AppBenchContext, runs: number): Promise<Row[]> {
  const port = 8081;
  const base = `http://127.0.0.1:${port}`;
  const dev = startNx(ctx.env, 'run', 'api:dev');
  try {
    await waitFor('api:dev to answer', async () => (await apiVersion(base)) !== undefined, 120_000, 200);
    const seconds: number[] = [];
    const original = readFileSync(VERSION_FILE, 'utf8');
    try {
      for (let i = 0; i < runs; i++) {
        const marker = `bench-dev-${Date.now()}`;
        writeFileSync(VERSION_FILE, original.replace(/APP_VERSION = '[^']*'/, `APP_VERSION = '${marker}'`));
        const started = performance.now();
        await waitFor(`api:dev to answer version ${marker}`, async () => (await apiVersion(base)) === marker, 30_000, 20);
        seconds.push((performance.now() - started) / 1000);
      }
    } finally {
      writeFileSync(VERSION_FILE, original);
    }
    return [
      {
        measurement: 'api:dev: save a source file → the restarted API answers with the change (esbuild rebuild + restart)',
        cliSeconds: median(seconds),
        goalSeconds: 1,
        runs,
        note: `runs ${seconds.map((s) => s.toFixed(2)).join(', ')} s`,
      },
    ];
  } finally {
    dev.interrupt('SIGINT');
    await dev.exited;
  }
}

/** Every app-tier row, in an order that leaves the stack as it found it (healthy). */
export async function appRows(ctx: AppBenchContext, runs: number): Promise<Row[]> {
  return [
    ...(await memoryAtRest(ctx.stack)),
    ...(await latencyRows(ctx)),
    ...(await rebuildRows(ctx, runs)),
    ...(await devLoopRows(ctx, runs)),
    ...(await failoverErrorRows(ctx)),
  ];
}
