import type { ExecutorContext } from '@nx/devkit';
import { z } from 'zod';
import upExecutor from '../up/executor';
import { defaultDeps, parseOptions, runExecutor, type ExecutorDeps } from '../executor-support';
import type { RebuildExecutorSchema } from './schema';

export const rebuildOptions = z.object({ timeoutSeconds: z.number().positive().optional() }).strict();

/** `up` with a cache-less image build and every member recreated. */
export default async function rebuildExecutor(
  options: RebuildExecutorSchema,
  context: ExecutorContext,
  deps: ExecutorDeps = defaultDeps(),
): Promise<{ success: boolean }> {
  let parsed: z.infer<typeof rebuildOptions>;
  try {
    parsed = parseOptions(rebuildOptions, options, 'rebuild');
  } catch (error) {
    return runExecutor(deps, () => Promise.reject(error));
  }
  return upExecutor({ ...parsed, rebuild: true, forceRecreate: true }, context, deps);
}
