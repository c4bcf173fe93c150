import type { ExecutorContext } from '@nx/devkit';
import { z } from 'zod';
import { confirm } from '../../core/confirm';
import { removeStack } from '../../lifecycle/stacks';
import { defaultDeps, onStack, parseOptions, runExecutor, stackOf, stackTargetOptions, type ExecutorDeps } from '../executor-support';
import type { ResetExecutorSchema } from './schema';

export const resetOptions = z.object({ yes: z.boolean().default(false), json: z.boolean().default(false), ...stackTargetOptions }).strict();

/**
 * stack:reset — every container, volume and the network of the stack go
 * (after asking, unless --yes): the next `up` builds a new cluster (new
 * Patroni system identifier, new etcd cluster id). The passwords stay.
 */
export default async function resetExecutor(
  options: ResetExecutorSchema,
  _context: ExecutorContext,
  deps: ExecutorDeps = defaultDeps(),
  ask: typeof confirm = confirm,
): Promise<{ success: boolean }> {
  return runExecutor(deps, async () => {
    const parsed = parseOptions(resetOptions, options, 'reset');
    const target = onStack(deps, parsed);
    const stack = stackOf(target);
    await target.runtime.ping();
    if (!(await ask(`Remove every container, volume (all its data) and the network of stack "${stack}"?`, parsed.yes))) {
      deps.log('Nothing removed.');
      return true;
    }
    const removed = await removeStack(target.runtime, stack);
    deps.log(
      parsed.json
        ? JSON.stringify(removed)
        : `stack "${stack}" reset: ${removed.containers} containers, ${removed.volumes} volumes${removed.network ? ' and its network' : ''} removed; the next up starts a new cluster`,
    );
    return true;
  });
}
