import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { batchOf } from '../batch';
import { z } from 'zod';
import { downService } from '../../lifecycle/down';
import { currentService, defaultDeps, parseOptions, runExecutor, serviceByName, stackOf, type ExecutorDeps } from '../executor-support';
import type { DownExecutorSchema } from './schema';

export const downOptions = z.object({ wipe: z.boolean().default(false) }).strict();

export default async function downExecutor(
  options: DownExecutorSchema,
  context: ExecutorContext,
  deps: ExecutorDeps = defaultDeps(),
): Promise<{ success: boolean }> {
  return runExecutor(deps, async () => {
    const { wipe } = parseOptions(downOptions, options, 'down');
    const service = currentService(context);
    const result = await downService(deps.runtime, stackOf(deps), service, { wipe });
    deps.log(
      result.removedContainers.length
        ? `${service.name}: removed ${result.removedContainers.join(', ')}`
        : `${service.name}: no containers to remove`,
    );
    if (wipe) deps.log(`${service.name}: removed volumes ${result.removedVolumes.join(', ') || '(none)'}`);
    else deps.log(`${service.name}: volumes kept (use --wipe to remove them)`);
    return true;
  });
}

/**
 * Batch mode's order for `down`: a service stops after every service of the
 * batch that depends on it (the reverse of start-up, as docker compose does),
 * so Sentinels stop before the Redis they watch and fail nothing over, and
 * the API before its database.
 */
export function dependentsFirst(taskGraph: TaskGraph, context: ExecutorContext): Record<string, string[]> {
  const tasks = Object.values(taskGraph.tasks);
  const dependsOn = new Map(tasks.map((t) => [t.id, serviceByName(context, t.target.project).config.dependsOn]));
  return Object.fromEntries(
    tasks.map((task) => [task.id, tasks.filter((other) => dependsOn.get(other.id)?.includes(task.target.project)).map((other) => other.id)]),
  );
}

/** All of a run's down tasks in one worker (Nx batch mode, executors.json preferBatch), dependents first: see ../batch.ts. */
export const batch = batchOf(downExecutor, defaultDeps, { after: dependentsFirst });
