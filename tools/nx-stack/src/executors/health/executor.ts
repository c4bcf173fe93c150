import type { ExecutorContext } from '@nx/devkit';
import { batchOf } from '../batch';
import { z } from 'zod';
import { confirmedHealth } from '../../kinds/health';
import { renderHealth } from '../../kinds/render-health';
import { coloursFor, currentService, defaultDeps, onStack, parseOptions, runExecutor, stackOf, stackTargetOptions, type ExecutorDeps } from '../executor-support';
import type { HealthExecutorSchema } from './schema';

export const healthOptions = z.object({ json: z.boolean().default(false), ...stackTargetOptions }).strict();

export default async function healthExecutor(
  options: HealthExecutorSchema,
  context: ExecutorContext,
  deps: ExecutorDeps = defaultDeps(),
): Promise<{ success: boolean }> {
  return runExecutor(deps, async () => {
    const { json, stack, portOffset } = parseOptions(healthOptions, options, 'health');
    const target = onStack(deps, { stack, portOffset });
    const health = await confirmedHealth({ ...target, stack: stackOf(target), workspaceRoot: context.root }, currentService(context));
    deps.log(json ? JSON.stringify(health) : renderHealth([health], undefined, coloursFor(deps)));
    return health.healthy;
  });
}

/** All of a run's health tasks in one worker (Nx batch mode, executors.json preferBatch): see ../batch.ts. */
export const batch = batchOf(healthExecutor);
