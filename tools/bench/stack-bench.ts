/**
 * `nx run stack:bench`: measures the stack's user-facing timings on this
 * machine and prints a markdown table (JSON in dist/bench/). A benchmark, not
 * a test: it reports against the goals, it does not fail on them.
 *
 * Runs on its own stack (paws360-bench, ports +33000) and removes it after,
 * so it never disturbs a developer's running stack.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { StackDocker, jsonLine, nx, testStackEnv, workspaceRoot } from '@paws360/stack-testing';
import { ComposePeer, findCompose, loadServices, memberHosts } from './compose-peer';
import { renderTimelines, timeline, type MemberTimeline } from './timeline';
import { logSearchRows } from './logs-bench';
import { consoleRows } from './console-bench';
import { observeRows } from './observe-bench';
import { appRows } from './apps-bench';
import { median, type Row } from './rows';
import { parityRows, podmanRows, powerCutRows, preflightRows } from './laptop-bench';

const STACK = 'paws360-bench';
const env = testStackEnv(STACK, 33000);
const docker = new StackDocker(STACK);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);


async function timed(args: string[], expectSuccess = true): Promise<{ seconds: number; output: string }> {
  const started = performance.now();
  const result = await nx(env, ...args);
  const seconds = (performance.now() - started) / 1000;
  if (expectSuccess && result.exitCode !== 0) {
    throw new Error(`bench step "nx ${args.join(' ')}" failed (exit ${result.exitCode}):\n${result.output}`);
  }
  return { seconds, output: result.output };
}

/** "etcd: up in 1.3s" → 1.3 */
const reportedSeconds = (output: string, pattern: RegExp) => {
  const match = pattern.exec(output);
  return match ? Number(match[1]) : undefined;
};

async function measure(
  measurement: string,
  goalSeconds: number | undefined,
  prepare: () => Promise<unknown>,
  args: string[],
  plugin: (output: string) => number | undefined,
  note?: string,
): Promise<Row> {
  const cli: number[] = [];
  const own: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await prepare();
    const { seconds, output } = await timed(args);
    cli.push(seconds);
    const reported = plugin(output);
    if (reported !== undefined) own.push(reported);
  }
  const row: Row = { measurement, cliSeconds: median(cli), goalSeconds, runs: RUNS, note };
  if (own.length) row.pluginSeconds = median(own);
  process.stderr.write(`bench: ${measurement}: cli ${row.cliSeconds?.toFixed(2)}s, plugin ${row.pluginSeconds ?? '-'}s\n`);
  return row;
}

async function etcdRows(): Promise<Row[]> {
  const rows: Row[] = [];
  const upSeconds = (output: string) => reportedSeconds(output, /etcd: up in ([\d.]+)s/);
  // Images present, no containers: the first up a developer does every morning.
  await timed(['run', 'etcd:image']);
  rows.push(
    await measure('etcd: cold up (no containers, image present)', 5, () => timed(['run', 'etcd:down', '--wipe']), ['run', 'etcd:up'], upSeconds),
  );
  rows.push(await measure('etcd: repeated up (healthy stack)', 2, async () => undefined, ['run', 'etcd:up'], upSeconds));
  rows.push(
    await measure('etcd: health', 0.3, async () => undefined, ['run', 'etcd:health', '--json'], (output) => jsonLine<{ durationMs: number }>(output).durationMs / 1000),
  );
  rows.push(
    await measure(
      'etcd: image, inputs unchanged (skip by hash)',
      undefined,
      async () => undefined,
      ['run', 'etcd:image'],
      (output) => (/build skipped/.test(output) ? 0 : undefined),
      'plugin time 0 = build skipped',
    ),
  );
  rows.push(
    await measure(
      'etcd: image build, warm layer cache',
      undefined,
      async () => {
        // Untag the current content-hash tag (the image stays under :latest), so
        // the next build runs every step against the engine's layer cache.
        const current = (await docker.runtime.listContainers({ 'io.paws360.stack': STACK }))[0];
        const tags = await imageTagsOf('paws360/etcd');
        for (const tag of tags.filter((t) => !t.endsWith(':latest'))) await docker.runtime.removeImage(tag).catch(() => undefined);
        return current;
      },
      ['run', 'etcd:image'],
      (output) => reportedSeconds(output, /built \S+ \(\d+ context files\) in ([\d.]+)s/),
    ),
  );
  return rows;
}

/** Wall time of one command in the workspace (a pipeline run as a developer types it). */
async function timedCommand(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ seconds: number; output: string }> {
  const { execa } = await import('execa');
  const started = performance.now();
  const result = await execa(command, args, { cwd: workspaceRoot, env, reject: false, all: true, stdin: 'ignore' });
  const seconds = (performance.now() - started) / 1000;
  if (result.exitCode !== 0) throw new Error(`bench step "${command} ${args.join(' ')}" failed (exit ${result.exitCode}):\n${(result.all ?? '').slice(-4000)}`);
  return { seconds, output: result.all ?? '' };
}

const PURE_STAGES = '--stages=lint,test,build,image';
/** "12 tasks: … 12 from cache" → "12/12 from cache" */
const cacheSummary = (output: string) => {
  const match = /(\d+) tasks: .* (\d+) from cache/.exec(output);
  return match ? `${match[2]}/${match[1]} from cache` : undefined;
};

async function pipelineRows(): Promise<Row[]> {
  const { readFileSync, writeFileSync } = await import('node:fs');
  const ci = (...extra: string[]) => timedCommand('npm', ['run', 'ci', '--', PURE_STAGES, '--outputStyle=static', ...extra], { ...process.env, NX_DAEMON: 'false' });
  const rows: Row[] = [];
  const cold = await ci('--skip-nx-cache');
  rows.push({ measurement: 'pipeline pure stages (lint, test, build, image), cold: cache skipped', cliSeconds: cold.seconds, runs: 1 });
  const cached = await ci();
  rows.push({ measurement: 'pipeline pure stages, fully cached rerun', cliSeconds: cached.seconds, goalSeconds: 5, runs: 1, note: cacheSummary(cached.output) });

  // One file of the api changes: only the api's tasks (and what depends on them) run again.
  const file = join(workspaceRoot, 'apps/api/src/config.ts');
  const original = readFileSync(file, 'utf8');
  try {
    writeFileSync(file, `${original}\n// bench: one-file change ${Date.now()}\n`);
    const changed = await ci();
    rows.push({ measurement: 'pipeline pure stages, rerun after a one-file change in the api', cliSeconds: changed.seconds, runs: 1, note: cacheSummary(changed.output) });
  } finally {
    writeFileSync(file, original);
  }

  // What a pull request touching one service runs: the projects nx affected selects.
  const affected = await timedCommand('npx', ['nx', 'show', 'projects', '--affected', '--files=infrastructure/redis/redis.conf.tmpl'], { ...process.env, NX_DAEMON: 'false' });
  const projects = affected.output.split('\n').map((l) => l.trim()).filter((l) => /^[a-z][\w-]*$/.test(l));
  const run = await ci('--affected', '--files=infrastructure/redis/redis.conf.tmpl');
  rows.push({
    measurement: 'nx affected after a change to infrastructure/redis (pure stages)',
    cliSeconds: run.seconds,
    runs: 1,
    note: `affected: ${projects.sort().join(', ')}; ${cacheSummary(run.output) ?? ''}`.trim(),
  });
  return rows;
}

const DATA_TIER = 'etcd,patroni,router,redis,sentinel';

interface SimulationJson {
  passed: boolean;
  measurements: Record<string, number | string>;
}

/** Runs a failure simulation with --json; its measurements (the run fails the bench only if the command cannot run). */
async function simulation(target: string): Promise<{ seconds: number; report: SimulationJson }> {
  const { seconds, output } = await timed(['run', target, '--json'], false);
  const line = output.split('\n').find((l) => l.trimStart().startsWith('{"scenario"'));
  if (!line) throw new Error(`bench step "nx run ${target} --json" printed no report:\n${output.slice(-3000)}`);
  return { seconds, report: JSON.parse(line) as SimulationJson };
}

const num = (value: number | string | undefined) => (typeof value === 'number' ? value : undefined);

/**
 * The compose peer: the data tier on the same images, started by docker
 * compose with depends_on: service_healthy (tools/bench/compose-peer.ts).
 * Its own project name, and ports on 127.0.0.1 at +34500: checked port by
 * port against every stack on this machine (the default one, staging at
 * +10000, the integration tests at +21000..+28000, this bench's at +33000),
 * none of their ports is one of the peer's.
 */
const COMPOSE_PROJECT = 'paws360-bench-compose';
const COMPOSE_PORT_OFFSET = 34500;
/** The peer's health-check interval: 5 s, short enough for service_healthy to start dependents promptly (the images' own HEALTHCHECKs run every 30 s); BENCH_COMPOSE_HEALTH_INTERVAL changes it. */
const COMPOSE_HEALTH_INTERVAL = Number(process.env.BENCH_COMPOSE_HEALTH_INTERVAL ?? 5);
/** The goal of the plugin's data-tier cold start, as a fraction of the compose peer's. */
const COMPOSE_RATIO_GOAL = 0.6;

/** The image tag (paws360/<service>:<content hash>) each service's image task reports, after building what is missing. */
async function dataTierImages(): Promise<Record<string, string>> {
  const { output } = await timed(['run-many', '-t', 'image', '-p', DATA_TIER]);
  const images: Record<string, string> = {};
  for (const match of output.matchAll(/paws360\/([a-z][a-z0-9-]*):([0-9a-f]{12})\b/g)) images[match[1]] = match[0];
  for (const service of DATA_TIER.split(',')) images[service] ??= `paws360/${service}:latest`;
  return images;
}

/** docker compose, installed from Debian's packages when BENCH_INSTALL_COMPOSE=1 and it is missing; undefined: skip the peer. */
async function ensureCompose() {
  const found = await findCompose();
  if (found || process.env.BENCH_INSTALL_COMPOSE !== '1') return found;
  const { execa } = await import('execa');
  process.stderr.write('bench: installing docker-compose from apt (BENCH_INSTALL_COMPOSE=1)\n');
  await execa('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'docker-compose'], { reject: false, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return findCompose();
}

/**
 * The data tier from fresh volumes, images present: the compose peer and
 * `nx run-many -t up`, alternately RUNS times each (so both see the same
 * machine), wall time of the command until the tier is formed. Leaves the
 * plugin's data tier running. Also returns both per-member timelines of the
 * last run.
 */
async function coldStartRows(): Promise<{ rows: Row[]; timelines: Record<string, MemberTimeline[]> }> {
  const images = await dataTierImages();
  const services = loadServices(workspaceRoot, DATA_TIER.split(','));
  const compose = await ensureCompose();
  const peer = compose
    ? new ComposePeer(compose, { project: COMPOSE_PROJECT, services, images, portOffset: COMPOSE_PORT_OFFSET, healthIntervalSeconds: COMPOSE_HEALTH_INTERVAL }, join(workspaceRoot, 'dist', 'bench'))
    : undefined;
  const timelines: Record<string, MemberTimeline[]> = {};
  const composeSeconds: number[] = [];
  const nxSeconds: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      if (peer && compose) {
        const run = await peer.up();
        composeSeconds.push(run.seconds);
        timelines[`compose (${compose.version})`] = await timeline(run.containers, run.startedAt);
        await peer.down();
      }
      await timed(['run-many', '-t', 'down', '-p', `${DATA_TIER},api`, '--wipe']);
      const startedAt = Date.now();
      nxSeconds.push((await timed(['run-many', '-t', 'up', '-p', DATA_TIER])).seconds);
      const members = services.flatMap((service) =>
        memberHosts(service).map((member) => ({ name: `${STACK}-${member}`, member, kind: service.kind, replicas: service.replicas })),
      );
      timelines['nx run-many -t up'] = await timeline(members, startedAt);
    }
  } finally {
    await peer?.down().catch(() => undefined);
  }
  const nxMedian = median(nxSeconds);
  const rows: Row[] = [];
  const nxRow: Row = {
    measurement: `data tier from fresh volumes (nx run-many -t up for ${DATA_TIER})`,
    cliSeconds: nxMedian,
    runs: RUNS,
    note: `runs ${nxSeconds.map((v) => v.toFixed(1)).join(', ')} s`,
  };
  if (peer && compose) {
    const composeMedian = median(composeSeconds);
    rows.push({
      measurement: `data tier from fresh volumes, compose peer (${compose.version}, depends_on: service_healthy, health checks every ${COMPOSE_HEALTH_INTERVAL} s${compose.wait ? ', up --wait' : ', up -d + wait for healthy'})`,
      cliSeconds: composeMedian,
      runs: RUNS,
      note: `runs ${composeSeconds.map((v) => v.toFixed(1)).join(', ')} s`,
    });
    nxRow.goalSeconds = COMPOSE_RATIO_GOAL * composeMedian;
    nxRow.goalText = `≤ ${COMPOSE_RATIO_GOAL}× compose = ${nxRow.goalSeconds.toFixed(2)} s`;
    nxRow.note += `; ${(nxMedian / composeMedian).toFixed(2)}× the compose peer`;
  } else {
    rows.push({
      measurement: 'data tier from fresh volumes, compose peer: SKIPPED, no docker compose on this machine (apt-get install docker-compose, or BENCH_INSTALL_COMPOSE=1)',
      runs: 0,
    });
    nxRow.note += `; no compose peer to compare with (goal ${COMPOSE_RATIO_GOAL}× the compose peer)`;
  }
  rows.push(nxRow);
  return { rows, timelines };
}

let coldStartTimelines: Record<string, MemberTimeline[]> = {};

async function coldSection(): Promise<Row[]> {
  const cold = await coldStartRows();
  coldStartTimelines = cold.timelines;
  return cold.rows;
}

/** Median wall of `nx <args>` over RUNS runs (after one warm-up run), in the given environment. */
async function medianWall(args: string[], runEnv: NodeJS.ProcessEnv, expectSuccess = true): Promise<number> {
  await nx(runEnv, ...args);
  const walls: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const result = await nx(runEnv, ...args);
    walls.push((performance.now() - started) / 1000);
    if (expectSuccess && result.exitCode !== 0) throw new Error(`bench step "nx ${args.join(' ')}" failed (exit ${result.exitCode}):\n${result.output}`);
  }
  return median(walls);
}

/**
 * How close our commands are to Nx's own floor, on a healthy stack: the wall
 * of stack:health and of a no-op etcd:up against a target with Nx's noop
 * executor, measured in the same run, with the Nx daemon and without.
 */
async function cliFloorRows(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const daemon of [false, true]) {
    const runEnv = { ...env, NX_DAEMON: String(daemon) };
    const mode = daemon ? 'daemon on' : 'daemon off';
    const noop = await medianWall(['run', 'stack:noop'], runEnv);
    const health = await medianWall(['run', 'stack:health'], runEnv);
    const up = await medianWall(['run', 'etcd:up', '--excludeTaskDependencies'], runEnv);
    rows.push({ measurement: `nx floor: a target with the nx:noop executor (${mode})`, cliSeconds: noop, runs: RUNS });
    rows.push({
      measurement: `stack:health on a healthy stack (${mode})`,
      cliSeconds: health,
      goalSeconds: 1.3 * noop,
      goalText: `≤ 1.3× noop = ${(1.3 * noop).toFixed(2)} s`,
      runs: RUNS,
      note: `${(health / noop).toFixed(2)}× the noop target`,
    });
    rows.push({
      measurement: `etcd:up on a healthy stack, nothing to do (${mode})`,
      cliSeconds: up,
      goalSeconds: 1.5 * noop,
      goalText: `≤ 1.5× noop = ${(1.5 * noop).toFixed(2)} s`,
      runs: RUNS,
      note: `${(up / noop).toFixed(2)}× the noop target`,
    });
  }
  await nx(env, 'daemon', '--stop');
  return rows;
}

async function dataTierRows(): Promise<Row[]> {
  const rows: Row[] = [];
  // The data tier is up already after the cold-start section; this starts it when that section did not run.
  await timed(['run-many', '-t', 'up', '-p', DATA_TIER]);
  await timed(['run', 'api:up']);
  const healthDurations: number[] = [];
  const components: string[] = [];
  for (let i = 0; i < RUNS; i++) {
    const { output } = await timed(['run', 'stack:health', '--json'], false);
    const health = jsonLine<{ durationMs: number; services: Array<{ components: Array<{ status: string }> }> }>(output);
    healthDurations.push(health.durationMs / 1000);
    const all = health.services.flatMap((s) => s.components);
    components.push(`${all.filter((c) => c.status === 'healthy').length}/${all.length} components healthy`);
  }
  rows.push({ measurement: 'stack health (every service probed at once)', pluginSeconds: median(healthDurations), goalSeconds: 1, runs: RUNS, note: components[components.length - 1] });

  const leader = await simulation('patroni:fail-leader');
  rows.push({ measurement: `Patroni hard-kill failover: leader SIGKILL → new leader accepts writes through the router (${leader.report.passed ? 'passed' : 'FAILED'})`, pluginSeconds: num(leader.report.measurements.failoverSeconds), goalSeconds: 10, cliSeconds: leader.seconds, runs: 1 });
  rows.push({ measurement: 'rows lost in the Patroni failover', count: num(leader.report.measurements.lostWrites), goalCount: 0, runs: 1, note: `${leader.report.measurements.ackedWrites} acknowledged` });
  const switchover = await simulation('patroni:switchover');
  rows.push({ measurement: `Patroni graceful switchover: longest write gap (${switchover.report.passed ? 'passed' : 'FAILED'})`, pluginSeconds: num(switchover.report.measurements.switchoverSeconds), goalSeconds: 4, cliSeconds: switchover.seconds, runs: 1 });
  const partition = await simulation('patroni:partition');
  rows.push({ measurement: `Patroni leader partitioned: demoted itself after (${partition.report.passed ? 'passed' : 'FAILED'}; max writable members ${partition.report.measurements.maxWritableMembers})`, pluginSeconds: num(partition.report.measurements.demoteSeconds), cliSeconds: partition.seconds, runs: 1 });
  rows.push({ measurement: 'Patroni leader partitioned: new leader elected after', pluginSeconds: num(partition.report.measurements.electionSeconds), runs: 1 });
  const master = await simulation('redis:fail-master');
  rows.push({ measurement: `Sentinel promotion: master SIGKILL → Sentinels name a new master (${master.report.passed ? 'passed' : 'FAILED'})`, pluginSeconds: num(master.report.measurements.promotionSeconds), goalSeconds: 5, cliSeconds: master.seconds, runs: 1 });
  rows.push({ measurement: 'Redis writes lost in the failover', count: num(master.report.measurements.lostWrites), goalCount: 0, runs: 1, note: `${master.report.measurements.writesAcked} acknowledged` });
  const node = await simulation('etcd:fail-node');
  rows.push({ measurement: `etcd election after the leader's SIGKILL (${node.report.passed ? 'passed' : 'FAILED'})`, pluginSeconds: num(node.report.measurements.electionSeconds), cliSeconds: node.seconds, runs: 1 });
  return rows;
}

/** `npm start` (every service up, then the health table) on an empty stack, images present. */
async function wholeStackRows(): Promise<Row[]> {
  await timed(['run-many', '-t', 'image']);
  const runs: number[] = [];
  let summary: string | undefined;
  for (let i = 0; i < RUNS; i++) {
    await timed(['run-many', '-t', 'down', '--wipe']);
    const { seconds, output } = await timedCommand('npm', ['start'], env);
    runs.push(seconds);
    summary = /(\d+\/\d+ components healthy)/.exec(output)?.[1];
  }
  return [
    {
      measurement: 'whole stack npm start from fresh volumes (images present), web and api included',
      cliSeconds: median(runs),
      goalSeconds: 25,
      runs: RUNS,
      note: `runs ${runs.map((v) => v.toFixed(1)).join(', ')} s${summary ? `; ${summary}` : ''}`,
    },
  ];
}

async function imageTagsOf(repository: string): Promise<string[]> {
  const { execa } = await import('execa');
  const result = await execa('docker', ['images', repository, '--format', '{{.Repository}}:{{.Tag}}'], { reject: false });
  return (result.stdout ?? '').split('\n').filter(Boolean);
}

function renderMarkdown(rows: Row[]): string {
  const fmt = (n: number | undefined) => (n === undefined ? '–' : `${n.toFixed(2)} s`);
  const measured = (r: Row) => (r.count !== undefined ? String(r.count) : fmt(r.pluginSeconds ?? r.cliSeconds));
  const goal = (r: Row) =>
    r.goalCount !== undefined ? `= ${r.goalCount}` : (r.goalText ?? (r.goalSeconds === undefined ? '–' : `≤ ${r.goalSeconds} s`));
  const value = (r: Row) => (r.count ?? r.pluginSeconds ?? r.cliSeconds);
  const met = (r: Row) => {
    const v = value(r);
    if (v === undefined) return '';
    if (r.goalCount !== undefined) return v === r.goalCount ? ' ✓' : ' ✗';
    if (r.goalSeconds !== undefined) return v <= r.goalSeconds ? ' ✓' : ' ✗';
    return '';
  };
  const lines = [
    '| measurement | measured | goal | nx CLI wall (median) | runs |',
    '|---|---:|---:|---:|---:|',
    ...rows.map(
      (r) => `| ${r.measurement}${r.note ? ` (${r.note})` : ''} | ${measured(r)} | ${goal(r)}${met(r)} | ${fmt(r.cliSeconds)} | ${r.runs} |`,
    ),
  ];
  return lines.join('\n');
}

async function main() {
  const started = new Date();
  const sections = (process.env.BENCH_SECTIONS ?? 'etcd,cold,floor,data,start,apps,laptop,console,podman,pipeline,logs').split(',');
  const rows: Row[] = [];
  const failures: string[] = [];
  /** A section that fails still leaves the other sections' numbers, and says why in the table. */
  const section = async (name: string, run: () => Promise<Row[]>, cleanup?: () => Promise<unknown>) => {
    if (!sections.includes(name)) return;
    try {
      rows.push(...(await run()));
    } catch (error) {
      const reason = (error as Error).message.split('\n')[0];
      // The whole message (a failing step's output) goes to stderr; the table keeps its first line.
      process.stderr.write(`bench: section ${name} failed:\n${(error as Error).message.slice(-6000)}\n`);
      failures.push(`${name}: ${reason}`);
      rows.push({ measurement: `${name} section FAILED: ${reason}`, runs: 0 });
    } finally {
      await cleanup?.();
    }
  };
  await section('etcd', etcdRows, () => nx(env, 'run', 'etcd:down', '--wipe'));
  // The cold-start section leaves the data tier up for the next one; alone, it cleans up after itself.
  await section('cold', coldSection, async () => (sections.includes('data') ? undefined : nx(env, 'run-many', '-t', 'down', '-p', DATA_TIER, '--wipe')));
  // Our commands against Nx's floor on a healthy stack (leaves it up for the data section).
  await section(
    'floor',
    async () => {
      // The whole stack: stack:health checks every service npm start starts.
      await timed(['run-many', '-t', 'up']);
      return cliFloorRows();
    },
    async () => (sections.includes('data') ? undefined : nx(env, 'run-many', '-t', 'down', '--wipe')),
  );
  await section('data', dataTierRows, () => nx(env, 'run-many', '-t', 'down', '--wipe'));
  // The start section leaves the whole stack up for the apps section.
  await section('start', wholeStackRows, async () => (sections.includes('apps') ? undefined : nx(env, 'run-many', '-t', 'down', '--wipe')));
  await section(
    'apps',
    async () => {
      // Up already after the start section; this starts it when that section did not run.
      await timed(['run-many', '-t', 'up']);
      return appRows({ env, stack: STACK, api: `http://127.0.0.1:${8080 + 33000}` }, RUNS);
    },
    async () => (sections.includes('laptop') ? undefined : nx(env, 'run-many', '-t', 'down', '--wipe')),
  );
  await section(
    'laptop',
    async () => {
      await timed(['run-many', '-t', 'up']);
      return [...(await preflightRows(env, RUNS)), ...(await parityRows(env, RUNS)), ...(await powerCutRows(env, STACK, 5432 + 33000))];
    },
    () => nx(env, 'run-many', '-t', 'down', '--wipe'),
  );
  // The data tier on Podman against Docker on this machine (skipped, saying why, without Podman).
  await section('podman', () => podmanRows(env, RUNS), () => nx(env, 'run-many', '-t', 'down', '--wipe'));
  // stack:console in Debian's chromium on the whole stack: first paint, a Patroni failover shown after the election;
  // then stack:observe: the metrics profile to every target up.
  await section(
    'console',
    async () => {
      await timed(['run-many', '-t', 'up']);
      return [...(await consoleRows(env, RUNS)), ...(await observeRows(env, RUNS))];
    },
    () => nx(env, 'run-many', '-t', 'down', '--wipe'),
  );
  await section('pipeline', pipelineRows);
  // The log view's search over 100,000 lines (SC-012): the host's index alone, no stack needed.
  await section('logs', () => logSearchRows(RUNS));
  const table = renderMarkdown(rows);
  const outDir = join(workspaceRoot, 'dist', 'bench');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    join(outDir, 'bench.json'),
    JSON.stringify({ startedAt: started.toISOString(), machine: { cpus: cpus().length }, rows, coldStartTimelines }, null, 2) + '\n',
  );
  writeFileSync(join(outDir, 'bench.md'), table + '\n');
  console.log(table);
  if (Object.keys(coldStartTimelines).length) {
    const timelines = renderTimelines(coldStartTimelines);
    writeFileSync(join(outDir, 'timeline.md'), timelines + '\n');
    console.log(`\nData tier from fresh volumes, last run, per member (dist/bench/timeline.md):\n\n${timelines}`);
  }
  console.log(`\n(JSON: dist/bench/bench.json; nx CLI wall includes Nx's own start-up and project graph)`);
  if (failures.length) {
    console.error(`bench: ${failures.length} section(s) failed:\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
