import type { ExecutorContext } from '@nx/devkit';
import { z } from 'zod';
import { defaultSimDeps, patroniServices, type PatroniSimDeps } from '../../simulation/patroni-simulation';
import { partition } from '../../simulation/scenarios/partition';
import { printReport } from '../../simulation/simulation-report';
import { defaultDeps, parseOptions, runExecutor, type ExecutorDeps } from '../executor-support';
import { patroniWriterOptions } from '../simulation-options';
import type { PartitionExecutorSchema } from './schema';

export const partitionOptions = z
  .object({
    sampleIntervalMs: z.number().int().positive().default(250),
    ...patroniWriterOptions,
  })
  .strict();

/** Cuts the Patroni leader off the stack network under a writer, then heals it (simulation/scenarios/partition.ts). */
export default async function partitionExecutor(
  options: PartitionExecutorSchema,
  context: ExecutorContext,
  deps: ExecutorDeps = defaultDeps(),
  sim: PatroniSimDeps = defaultSimDeps(),
): Promise<{ success: boolean }> {
  return runExecutor(deps, async () => {
    const opts = parseOptions(partitionOptions, options, 'partition');
    const report = await partition({ ...deps, workspaceRoot: context.root }, patroniServices(context, 'partition'), opts, sim);
    return printReport(deps.log, report, opts.json);
  });
}
