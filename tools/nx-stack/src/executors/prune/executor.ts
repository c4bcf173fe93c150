import type { ExecutorContext } from '@nx/devkit';
import { z } from 'zod';
import { renderTable } from '../../core/table';
import { orphanReason, removeStack, stacksOnEngine, type RemovedStack } from '../../lifecycle/stacks';
import { defaultDeps, parseOptions, runExecutor, type ExecutorDeps } from '../executor-support';
import type { PruneExecutorSchema } from './schema';

export const pruneOptions = z.object({ dryRun: z.boolean().default(false), json: z.boolean().default(false) }).strict();

/**
 * stack:prune — removes the stacks left behind by crashed test runs and
 * deleted checkouts (their owner process or checkout is gone), never a stack
 * somebody still owns. --dry-run lists them only.
 */
export default async function pruneExecutor(
  options: PruneExecutorSchema,
  _context: ExecutorContext,
  deps: ExecutorDeps = defaultDeps(),
): Promise<{ success: boolean }> {
  return runExecutor(deps, async () => {
    const parsed = parseOptions(pruneOptions, options, 'prune');
    const stacks = await stacksOnEngine(deps.runtime);
    const verdicts = stacks.map((stack) => ({ stack, reason: orphanReason(stack) }));
    const removed: RemovedStack[] = [];
    if (!parsed.dryRun) for (const v of verdicts.filter((v) => v.reason)) removed.push(await removeStack(deps.runtime, v.stack.stack));
    if (parsed.json) {
      deps.log(JSON.stringify({ dryRun: parsed.dryRun, stacks: verdicts.map((v) => ({ stack: v.stack.stack, containers: v.stack.containers.length, orphan: v.reason ?? null })), removed }));
      return true;
    }
    const rows = verdicts.map((v) => [
      v.stack.stack,
      String(v.stack.containers.length),
      v.reason ? (parsed.dryRun ? `would remove: ${v.reason}` : `removed: ${v.reason}`) : 'kept (its owner is there)',
    ]);
    deps.log(rows.length ? renderTable(['STACK', 'CONTAINERS', 'VERDICT'], rows) : 'no stack on the engine');
    return true;
  });
}
