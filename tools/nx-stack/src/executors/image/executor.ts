import type { ExecutorContext } from '@nx/devkit';
import { batchOf } from '../batch';
import { z } from 'zod';
import { ensureImage } from '../../lifecycle/image';
import { imageNamespace } from '../../core/naming';
import { seconds } from '../../core/progress';
import { currentService, defaultDeps, parseOptions, runExecutor, type ExecutorDeps } from '../executor-support';
import type { ImageExecutorSchema } from './schema';

export const imageOptions = z.object({ force: z.boolean().default(false) }).strict();

export default async function imageExecutor(
  options: ImageExecutorSchema,
  context: ExecutorContext,
  deps: ExecutorDeps = defaultDeps(),
): Promise<{ success: boolean }> {
  return runExecutor(deps, async () => {
    const { force } = parseOptions(imageOptions, options, 'image');
    const service = currentService(context);
    await deps.runtime.ping();
    const image = await ensureImage(deps.runtime, context.root, service, {
      namespace: imageNamespace(deps.env),
      force,
      onLine: (line) => deps.log(`  ${line}`),
    });
    deps.log(
      image.built
        ? `${service.name}: built ${image.tag} (${image.files.length} context files) in ${seconds(image.durationMs)}`
        : `${service.name}: ${image.tag} is present, build skipped (content hash unchanged)`,
    );
    return true;
  });
}

/** All of a run's image tasks in one worker (Nx batch mode, executors.json preferBatch): see ../batch.ts. */
export const batch = batchOf(imageExecutor);
