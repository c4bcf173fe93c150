import type { ExecutorContext } from '@nx/devkit';
import { z } from 'zod';
import { defaultHarness, failMaster, redisServices, type FailMasterHarness } from '../../simulation/scenarios/fail-master';
import { printReport } from '../../simulation/simulation-report';
import { defaultDeps, parseOptions, runExecutor, type ExecutorDeps } from '../executor-support';
import type { FailMasterExecutorSchema } from './schema';

export const failMasterOptions = z
  .object({
    timeoutSeconds: z.number().positive().default(90),
    writeIntervalMs: z.number().int().min(0).default(10),
    json: z.boolean().default(false),
  })
  .strict();

/** SIGKILLs the Redis master under a Sentinel-aware writer, then restores it (simulation/scenarios/fail-master.ts). */
export default async function failMasterExecutor(
  options: FailMasterExecutorSchema,
  context: ExecutorContext,
  deps: ExecutorDeps = defaultDeps(),
  harness: FailMasterHarness = defaultHarness(),
): Promise<{ success: boolean }> {
  return runExecutor(deps, async () => {
    const opts = parseOptions(failMasterOptions, options, 'fail-master');
    const report = await failMaster({ ...deps, workspaceRoot: context.root }, redisServices(context), opts, harness);
    return printReport(deps.log, report, opts.json);
  });
}
