import type { ExecutorContext } from '@nx/devkit';
import { batchOf, type BatchTask } from '../batch';
import { InFlight } from '../../core/in-flight';
import { z } from 'zod';
import { renderHealth } from '../../kinds/render-health';
import { ensureServiceImage, upService } from '../../lifecycle/up';
import { waitAllHealthy } from '../../lifecycle/wait';
import { runProjects, upRunPlan } from './run-plan';
import { assertRunPortsFree } from '../../lifecycle/port-preflight';
import { resourceGate } from '../../lifecycle/resource-gate';
import { baselineDriftLines } from '../../lifecycle/parity';
import { seconds } from '../../core/progress';
import {
  allServices,
  coloursFor,
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

/**
 * The run-wide checks, shared while in flight: in Nx batch mode the run's
 * first tasks share one worker and start together, and two of them probing
 * the same ports at the same moment would find each other's probe. A task
 * that arrives while the check runs gets its verdict; one that comes later
 * checks again, as a separate process always did.
 */
const runChecks = new InFlight<void>();

export default async function upExecutor(
  options: UpExecutorSchema,
  context: ExecutorContext,
  deps: ExecutorDeps = defaultDeps(),
): Promise<{ success: boolean }> {
  return runExecutor(deps, async () => {
    const { stack, portOffset, ...parsed } = parseOptions(upOptions, options, 'up');
    const target = onStack(deps, { stack, portOffset });
    const service = currentService(context);
    const services = allServices(context);
    const byName = (name: string) => services.find((s) => s.name === name) ?? serviceByName(context, name);
    const plan = upRunPlan(context);
    const stackDeps = { ...target, stack: stackOf(target), workspaceRoot: context.root };
    // Every host port of the whole run (TC-006) and the engine's resources (TC-022), checked by
    // the run's first tasks before anything of the run exists; every task still checks its own ports.
    const run = runProjects(context).map(byName);
    if (plan.first) {
      await runChecks.run(`${stackDeps.stack}:${stackDeps.env.PAWS360_PORT_OFFSET ?? ''}:${run.map((s) => s.name).join(',')}`, async () => {
        await assertRunPortsFree(stackDeps, run);
        await resourceGate(stackDeps, run);
      });
    }
    // Drift on start, said once per run (by the first project of the run, by name): a baseline
    // of config/ changed since the stack was last in line with it (docs/parity.md).
    if (run[0]?.name === service.name) for (const line of baselineDriftLines(stackDeps, services)) deps.error(`warning: ${line}`);
    const result = await upService(stackDeps, service, {
      ...parsed,
      dependencies: service.config.dependsOn.map(byName),
      services,
      until: plan.until,
    });
    if (result.until === 'ready') {
      const healthy = result.health.components.filter((c) => c.status === 'healthy').length;
      deps.log(
        `${service.name}: up in ${seconds(result.durationMs)}, ready for its dependents (${result.readiness.reason}; ` +
          `${healthy}/${result.health.components.length} healthy, full health is awaited at the end of the run)`,
      );
      return true;
    }
    // The end of a chain: everything the run started before this is fully healthy too.
    const chain = await waitAllHealthy(stackDeps, plan.alsoAwait.map(byName));
    deps.log(renderHealth([...chain, result.health], undefined, coloursFor(deps)));
    deps.log(`${service.name}: up in ${seconds(result.durationMs)}`);
    return true;
  });
}

/**
 * Batch mode's head start for `up`: `up` builds its own image when its
 * inputs changed (it has no separate image task, so `nx run etcd:up` is one
 * task), and in a batch every task's image is ensured at once, at most the
 * batch's parallelism at a time. Missing images of a run build side by side,
 * not one per link of the start-up chain; each `up` joins its own image's
 * build in flight (lifecycle/image.ts). A failure here is left to the task,
 * which reports it.
 */
export function prewarmImages(tasks: Array<BatchTask<UpExecutorSchema>>, limit: number): void {
  const queue = [...tasks];
  const worker = async () => {
    for (let task = queue.shift(); task; task = queue.shift()) {
      const { deps, context, options } = task;
      try {
        await ensureServiceImage({ ...deps, workspaceRoot: context.root }, currentService(context), options?.rebuild === true);
      } catch {
        // The task's own ensureServiceImage (in upService) builds again and reports why it failed.
      }
    }
  };
  for (let i = 0; i < Math.max(1, limit); i++) void worker();
}

/** All of a run's up tasks in one worker (Nx batch mode, executors.json preferBatch), their images ensured ahead: see ../batch.ts. */
export const batch = batchOf(upExecutor, defaultDeps, { prepare: prewarmImages });
