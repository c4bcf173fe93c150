import type { ExecutorContext } from '@nx/devkit';
import { z } from 'zod';
import { renderHealth } from '../../health/render-health';
import { upService } from '../../stack/up';
import { seconds } from '../../util/progress';
import { currentService, defaultDeps, parseOptions, runExecutor, serviceByName, stackOf, type ExecutorDeps } from '../executor-support';
import type { UpExecutorSchema } from './schema';

export const upOptions = z
  .object({
    timeoutSeconds: z.number().positive().optional(),
    forceRecreate: z.boolean().default(false),
    rebuild: z.boolean().default(false),
  })
  .strict();

export default async function upExecutor(
  options: UpExecutorSchema,
  context: ExecutorContext,
  deps: ExecutorDeps = defaultDeps(),
): Promise<{ success: boolean }> {
  return runExecutor(deps, async () => {
    const parsed = parseOptions(upOptions, options, 'up');
    const service = currentService(context);
    const result = await upService(
      { ...deps, stack: stackOf(deps), workspaceRoot: context.root },
      service,
      { ...parsed, dependencies: service.config.dependsOn.map((name) => serviceByName(context, name)) },
    );
    deps.log(renderHealth([result.health]));
    deps.log(`${service.name}: up in ${seconds(result.durationMs)}`);
    return true;
  });
}
