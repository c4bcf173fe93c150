/**
 * `npm test` / `npm run ci`: the pipeline, exactly as GitHub Actions runs it.
 *   npm test                                  every stage, every project
 *   npm run ci -- --affected [--base=origin/main] [--head=HEAD]
 *   npm run ci -- --stages=lint,test          some stages only
 * Other flags go to nx. At the end the nx-stack plugin prints the stage table
 * and writes dist/ci/stages.json and dist/ci/timings.csv.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { loadPipeline, nxArgs, parseArgs, STAGE_REPORT_ENV } from './pipeline';

const workspaceRoot = resolve(__dirname, '../../..');
let args: string[];
try {
  args = nxArgs(loadPipeline(workspaceRoot), parseArgs(process.argv.slice(2)));
} catch (error) {
  console.error(`pipeline: ${(error as Error).message}`);
  process.exit(2);
}
console.log(`pipeline: nx ${args.join(' ')}`);
// The same bound for the tasks a batch worker runs side by side (the plugin's executors run in
// Nx batch mode, and a batch's worker does not see --parallel): tools/nx-stack/src/executors/batch.ts.
const parallel = args.find((a) => /^--parallel=\d+$/.test(a))?.split('=')[1];
// nx's own bin with this Node, not `npx nx`: npx costs about 0.5 s before nx starts.
const nx = require.resolve('nx/bin/nx.js', { paths: [workspaceRoot] });
const result = spawnSync(process.execPath, [nx, ...args], {
  cwd: workspaceRoot,
  stdio: 'inherit',
  env: { ...process.env, [STAGE_REPORT_ENV]: '1', ...(parallel ? { NX_PARALLEL: parallel } : {}) },
});
process.exit(result.status ?? 1);
