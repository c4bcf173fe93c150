import type { ExecutorContext } from '@nx/devkit';
import { z } from 'zod';
import { confirmedHealth } from '../../kinds/health';
import { renderHealth } from '../../kinds/render-health';
import { coloursFor, allServices, defaultDeps, parseOptions, runExecutor, stackOf, type ExecutorDeps } from '../executor-support';
import type { StackHealthExecutorSchema } from './schema';

export const stackHealthOptions = z.object({ json: z.boolean().default(false) }).strict();

export default async function stackHealthExecutor(
  options: StackHealthExecutorSchema,
  context: ExecutorContext,
  deps: ExecutorDeps = defaultDeps(),
): Promise<{ success: boolean }> {
  return runExecutor(deps, async () => {
    const { json } = parseOptions(stackHealthOptions, options, 'stack-health');
    const started = performance.now();
    await deps.runtime.ping();
    const healthDeps = { ...deps, stack: stackOf(deps), workspaceRoot: context.root };
    // Every service at once: the slowest probe, not their sum, sets the duration.
    const results = await Promise.all(allServices(context).map((service) => confirmedHealth(healthDeps, service)));
    const durationMs = Math.round(performance.now() - started);
    const healthy = results.every((r) => r.healthy);
    if (json) {
      deps.log(JSON.stringify({ stack: healthDeps.stack, healthy, durationMs, services: results }));
    } else {
      deps.log(renderHealth(results, durationMs, coloursFor(deps)));
    }
    return healthy;
  });
}
