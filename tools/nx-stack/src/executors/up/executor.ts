import type { ExecutorContext } from '@nx/devkit';
import { z } from 'zod';
import { renderHealth } from '../../kinds/render-health';
import { upService } from '../../lifecycle/up';
import { seconds } from '../../core/progress';
import {
  currentService,
  defaultDeps,
  onStack,
  parseOptions,
  runExecutor,
  serviceByName,
  stackOf,
  stackTargetOptions,
  type ExecutorDeps,
} from '../executor-support';
import type { UpExecutorSchema } from './schema';

export const upOptions = z
  .object({
    timeoutSeconds: z.number().positive().optional(),
    forceRecreate: z.boolean().default(false),
    rebuild: z.boolean().default(false),
    ...stackTargetOptions,
  })
  .strict();

export default async function upExecutor(
  options: UpExecutorSchema,
  context: ExecutorContext,
  deps: ExecutorDeps = defaultDeps(),
): Promise<{ success: boolean }> {
  return runExecutor(deps, async () => {
    const { stack, portOffset, ...parsed } = parseOptions(upOptions, options, 'up');
    const target = onStack(deps, { stack, portOffset });
    const service = currentService(context);
    const result = await upService(
      { ...target, stack: stackOf(target), workspaceRoot: context.root },
      service,
      { ...parsed, dependencies: service.config.dependsOn.map((name) => serviceByName(context, name)) },
    );
    deps.log(renderHealth([result.health]));
    deps.log(`${service.name}: up in ${seconds(result.durationMs)}`);
    return true;
  });
}
