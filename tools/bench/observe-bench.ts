/**
 * The observability profile's row of `nx run stack:bench` (section
 * "console", issue 11): `nx run stack:observe` on the running stack, timed
 * from the command's start until it reports every generated scrape target up
 * (it waits for that itself), the whole nx command included. Prometheus and
 * its exporters are removed before each run (prometheus:down --wipe), so
 * every run starts the profile from nothing.
 */
import { jsonLine, nx } from '@paws360/stack-testing';
import { median, type Row } from './rows';

const GOAL_SECONDS = 15;

export async function observeRows(env: NodeJS.ProcessEnv, runs: number): Promise<Row[]> {
  const seconds: number[] = [];
  const ownSeconds: number[] = [];
  for (let run = 0; run < runs; run++) {
    const down = await nx(env, 'run', 'prometheus:down', '--wipe');
    if (down.exitCode !== 0) throw new Error(`nx run prometheus:down --wipe failed:\n${down.output.slice(-3000)}`);
    const started = performance.now();
    const result = await nx(env, 'run', 'stack:observe', '--json');
    const elapsed = (performance.now() - started) / 1000;
    if (result.exitCode !== 0) throw new Error(`nx run stack:observe failed:\n${result.output.slice(-3000)}`);
    const report = jsonLine<{ healthy: boolean; durationMs: number }>(result.output);
    if (!report.healthy) throw new Error(`stack:observe ended without every target up:\n${result.output.slice(-3000)}`);
    seconds.push(elapsed);
    ownSeconds.push(report.durationMs / 1000);
  }
  await nx(env, 'run', 'prometheus:down', '--wipe');
  const value = median(seconds);
  return [
    {
      measurement: 'observability profile started on a running stack (nx run stack:observe → every scrape target up, the nx command included)',
      pluginSeconds: value,
      goalSeconds: GOAL_SECONDS,
      cliSeconds: value,
      runs,
      note: `runs ${seconds.map((s) => s.toFixed(1)).join(', ')} s; the plugin's own time ${ownSeconds.map((s) => s.toFixed(1)).join(', ')} s`,
    },
  ];
}
