import type { ExecutorContext } from '@nx/devkit';
import { z } from 'zod';
import { renderHealth } from '../../kinds/render-health';
import { startLayers } from '../../lifecycle/start-order';
import { upService, type UpResult } from '../../lifecycle/up';
import { seconds } from '../../core/progress';
import { coloursFor, allServices, defaultDeps, parseOptions, runExecutor, stackOf, type ExecutorDeps } from '../executor-support';
import type { RestoreExecutorSchema } from './schema';

export const restoreOptions = z.object({ timeoutSeconds: z.number().positive().optional() }).strict();

/**
 * `up` for every service, dependencies first: `up` already starts stopped
 * members, re-attaches ones cut off the network and recreates missing ones.
 */
export default async function restoreExecutor(
  options: RestoreExecutorSchema,
  context: ExecutorContext,
  deps: ExecutorDeps = defaultDeps(),
): Promise<{ success: boolean }> {
  return runExecutor(deps, async () => {
    const { timeoutSeconds } = parseOptions(restoreOptions, options, 'restore');
    const started = Date.now();
    const services = allServices(context);
    const byName = new Map(services.map((s) => [s.name, s]));
    const upDeps = { ...deps, stack: stackOf(deps), workspaceRoot: context.root };
    const results: UpResult[] = [];
    for (const layer of startLayers(services)) {
      results.push(
        ...(await Promise.all(
          layer.map((service) =>
            upService(upDeps, service, {
              timeoutSeconds,
              services,
              dependencies: service.config.dependsOn.map((name) => byName.get(name)!).filter(Boolean),
            }),
          ),
        )),
      );
    }
    const repaired = results.flatMap((r) => Object.entries(r.actions).filter(([, action]) => action !== 'keep'));
    deps.log(renderHealth(results.map((r) => r.health), undefined, coloursFor(deps)));
    deps.log(
      repaired.length
        ? `stack restored in ${seconds(Date.now() - started)}: ${repaired.map(([name, action]) => `${name} (${action})`).join(', ')}`
        : `stack restored in ${seconds(Date.now() - started)}: nothing needed repair`,
    );
    return true;
  });
}
