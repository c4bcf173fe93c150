/**
 * `nx run stack:bench`: measures the stack's user-facing timings on this
 * machine and prints a markdown table (JSON in dist/bench/). A benchmark, not
 * a test: it reports against the goals, it does not fail on them.
 *
 * Runs on its own stack (paws360-bench, ports +30000) and removes it after,
 * so it never disturbs a developer's running stack.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { StackDocker, jsonLine, nx, testStackEnv, workspaceRoot } from '@paws360/stack-testing';

const STACK = 'paws360-bench';
const env = testStackEnv(STACK, 30000);
const docker = new StackDocker(STACK);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

interface Row {
  measurement: string;
  /** Median wall time of the whole `nx …` command, as a user waits for it. */
  cliSeconds: number;
  /** What the plugin itself spent (its own timer), when it reports one. */
  pluginSeconds?: number;
  goalSeconds?: number;
  runs: number;
  note?: string;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

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
  process.stderr.write(`bench: ${measurement}: cli ${row.cliSeconds.toFixed(2)}s, plugin ${row.pluginSeconds ?? '-'}s\n`);
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

async function imageTagsOf(repository: string): Promise<string[]> {
  const { execa } = await import('execa');
  const result = await execa('docker', ['images', repository, '--format', '{{.Repository}}:{{.Tag}}'], { reject: false });
  return (result.stdout ?? '').split('\n').filter(Boolean);
}

function renderMarkdown(rows: Row[]): string {
  const fmt = (n: number | undefined) => (n === undefined ? '–' : `${n.toFixed(2)} s`);
  const lines = [
    '| measurement | nx CLI wall (median) | plugin\'s own time | goal | runs |',
    '|---|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.measurement}${r.note ? ` (${r.note})` : ''} | ${fmt(r.cliSeconds)} | ${fmt(r.pluginSeconds)} | ${r.goalSeconds === undefined ? '–' : `≤ ${r.goalSeconds} s`} | ${r.runs} |`,
    ),
  ];
  return lines.join('\n');
}

async function main() {
  const started = new Date();
  const sections = (process.env.BENCH_SECTIONS ?? 'etcd,pipeline').split(',');
  const rows: Row[] = [];
  if (sections.includes('etcd')) {
    try {
      rows.push(...(await etcdRows()));
    } finally {
      await nx(env, 'run', 'etcd:down', '--wipe');
    }
  }
  if (sections.includes('pipeline')) rows.push(...(await pipelineRows()));
  const table = renderMarkdown(rows);
  const outDir = join(workspaceRoot, 'dist', 'bench');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    join(outDir, 'bench.json'),
    JSON.stringify({ startedAt: started.toISOString(), machine: { cpus: cpus().length }, rows }, null, 2) + '\n',
  );
  writeFileSync(join(outDir, 'bench.md'), table + '\n');
  console.log(table);
  console.log(`\n(JSON: dist/bench/bench.json; nx CLI wall includes Nx's own start-up and project graph)`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
