import type { ExecutorContext } from '@nx/devkit';
import { z } from 'zod';
import { defaultSimDeps, patroniServices, type PatroniSimDeps } from '../../simulation/patroni-simulation';
import { switchover } from '../../simulation/scenarios/switchover';
import { printReport } from '../../simulation/simulation-report';
import { defaultDeps, parseOptions, runExecutor, type ExecutorDeps } from '../executor-support';
import { patroniWriterOptions } from '../simulation-options';
import type { SwitchoverExecutorSchema } from './schema';

export const switchoverOptions = z
  .object({
    candidate: z.number().int().positive().optional(),
    ...patroniWriterOptions,
  })
  .strict();

/** A planned Patroni switchover under a writer through the router (simulation/scenarios/switchover.ts). */
export default async function switchoverExecutor(
  options: SwitchoverExecutorSchema,
  context: ExecutorContext,
  deps: ExecutorDeps = defaultDeps(),
  sim: PatroniSimDeps = defaultSimDeps(),
): Promise<{ success: boolean }> {
  return runExecutor(deps, async () => {
    const opts = parseOptions(switchoverOptions, options, 'switchover');
    const report = await switchover({ ...deps, workspaceRoot: context.root }, patroniServices(context, 'switchover'), opts, sim);
    return printReport(deps.log, report, opts.json);
  });
}
