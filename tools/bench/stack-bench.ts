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
  let rows: Row[] = [];
  try {
    rows = await etcdRows();
  } finally {
    await nx(env, 'run', 'etcd:down', '--wipe');
  }
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
