import type { ExecutorContext } from '@nx/devkit';
import { z } from 'zod';
import { etcdServices, failNode } from '../../simulation/scenarios/fail-node';
import type { SignalSource } from '../../simulation/scenario-runner';
import { printReport } from '../../simulation/simulation-report';
import { defaultDeps, parseOptions, runExecutor, type ExecutorDeps } from '../executor-support';
import type { FailNodeExecutorSchema } from './schema';

export const failNodeOptions = z
  .object({
    member: z.number().int().positive().optional(),
    writes: z.number().int().positive().default(20),
    timeoutSeconds: z.number().positive().default(90),
    json: z.boolean().default(false),
  })
  .strict();

/** SIGKILLs one etcd member (the leader by default), then restores it (simulation/scenarios/fail-node.ts). */
export default async function failNodeExecutor(
  options: FailNodeExecutorSchema,
  context: ExecutorContext,
  deps: ExecutorDeps = defaultDeps(),
  hooks: { signals?: SignalSource } = {},
): Promise<{ success: boolean }> {
  return runExecutor(deps, async () => {
    const opts = parseOptions(failNodeOptions, options, 'fail-node');
    const report = await failNode({ ...deps, workspaceRoot: context.root }, etcdServices(context), opts, hooks);
    return printReport(deps.log, report, opts.json);
  });
}
