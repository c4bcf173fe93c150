import type { ExecutorContext } from '@nx/devkit';
import { z } from 'zod';
import { downService } from '../../lifecycle/down';
import { currentService, defaultDeps, parseOptions, runExecutor, stackOf, type ExecutorDeps } from '../executor-support';
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
