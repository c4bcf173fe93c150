import type { ExecutorContext } from '@nx/devkit';
import { z } from 'zod';
import { defaultSimDeps, patroniServices, type PatroniSimDeps } from '../../simulation/patroni-simulation';
import { failLeader } from '../../simulation/scenarios/fail-leader';
import { printReport } from '../../simulation/simulation-report';
import { defaultDeps, parseOptions, runExecutor, type ExecutorDeps } from '../executor-support';
import { patroniWriterOptions } from '../simulation-options';
import type { FailLeaderExecutorSchema } from './schema';

export const failLeaderOptions = z.object({ ...patroniWriterOptions }).strict();

/** SIGKILLs the Patroni leader under a writer through the router, then restores it (simulation/scenarios/fail-leader.ts). */
export default async function failLeaderExecutor(
  options: FailLeaderExecutorSchema,
  context: ExecutorContext,
  deps: ExecutorDeps = defaultDeps(),
  sim: PatroniSimDeps = defaultSimDeps(),
): Promise<{ success: boolean }> {
  return runExecutor(deps, async () => {
    const opts = parseOptions(failLeaderOptions, options, 'fail-leader');
    const report = await failLeader({ ...deps, workspaceRoot: context.root }, patroniServices(context, 'fail-leader'), opts, sim);
    return printReport(deps.log, report, opts.json);
  });
}
