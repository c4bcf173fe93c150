import type { ExecutorContext } from '@nx/devkit';
import { z } from 'zod';
import { confirm } from '../../core/confirm';
import { probeContext } from '../../kinds/health';
import { flushRedis } from '../../kinds/redis/operations';
import { currentService, defaultDeps, onStack, parseOptions, runExecutor, stackOf, stackTargetOptions, type ExecutorDeps } from '../executor-support';
import type { FlushExecutorSchema } from './schema';

export const flushOptions = z.object({ yes: z.boolean().default(false), json: z.boolean().default(false), ...stackTargetOptions }).strict();

/** redis:flush — empty the cache (FLUSHALL on the master), after asking. */
export default async function flushExecutor(
  options: FlushExecutorSchema,
  context: ExecutorContext,
  deps: ExecutorDeps = defaultDeps(),
  ask: typeof confirm = confirm,
): Promise<{ success: boolean }> {
  return runExecutor(deps, async () => {
    const parsed = parseOptions(flushOptions, options, 'flush');
    const target = onStack(deps, parsed);
    const service = currentService(context);
    const stack = stackOf(target);
    if (!(await ask(`Remove every key of ${service.name} in stack "${stack}"?`, parsed.yes))) {
      deps.log('Nothing removed.');
      return true;
    }
    const ctx = await probeContext({ ...target, stack, workspaceRoot: context.root }, service);
    const result = await flushRedis(ctx);
    deps.log(parsed.json ? JSON.stringify({ stack, ...result }) : `${result.master}: FLUSHALL, ${result.keysRemoved} key${result.keysRemoved === 1 ? '' : 's'} removed (replicas follow)`);
    return true;
  });
}
