import type { ExecutorContext } from '@nx/devkit';
import { z } from 'zod';
import { checkHealth } from '../../health/check-health';
import { renderHealth } from '../../health/render-health';
import { currentService, defaultDeps, parseOptions, runExecutor, stackOf, type ExecutorDeps } from '../executor-support';
import type { HealthExecutorSchema } from './schema';

export const healthOptions = z.object({ json: z.boolean().default(false) }).strict();

export default async function healthExecutor(
  options: HealthExecutorSchema,
  context: ExecutorContext,
  deps: ExecutorDeps = defaultDeps(),
): Promise<{ success: boolean }> {
  return runExecutor(deps, async () => {
    const { json } = parseOptions(healthOptions, options, 'health');
    const health = await checkHealth({ ...deps, stack: stackOf(deps), workspaceRoot: context.root }, currentService(context));
    deps.log(json ? JSON.stringify(health) : renderHealth([health]));
    return health.healthy;
  });
}
