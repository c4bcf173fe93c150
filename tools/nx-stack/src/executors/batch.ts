import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { defaultDeps, type ExecutorDeps } from './executor-support';

/** One task's result as Nx's batch runner takes it (nx/src/tasks-runner/batch). */
export interface BatchTaskResult {
  task: string;
  result: { success: boolean; status?: 'success' | 'failure' | 'skipped'; terminalOutput: string; startTime?: number; endTime?: number };
}

type Executor<O> = (options: O, context: ExecutorContext, deps: ExecutorDeps) => Promise<{ success: boolean }>;

/**
 * How many tasks of a batch run at once: the run's `--parallel` when it is
 * known to the worker (`NX_PARALLEL`, which the pipeline sets), else nx.json's
 * `parallel`, else Nx's default of 3.
 */
export function batchParallelism(env: NodeJS.ProcessEnv, nxJsonParallel: unknown): number {
  const fromEnv = Number(env.NX_PARALLEL);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  if (typeof nxJsonParallel === 'number' && Number.isInteger(nxJsonParallel) && nxJsonParallel > 0) return nxJsonParallel;
  return 3;
}

export interface BatchOptions<O> {
  /**
   * More order inside the batch than the task graph gives: for each task id,
   * tasks of the batch it must wait for (they need not succeed: an order,
   * not a dependency). `down` uses it to stop dependents first.
   */
  after?: (taskGraph: TaskGraph, context: ExecutorContext) => Record<string, string[]>;
  /**
   * Called once before any task starts, with every task of the batch (its
   * options, context and deps, whose lines are that task's output): work the
   * tasks will need, started ahead of them. It must not throw or reject:
   * the task that needs the work reports its failure.
   */
  prepare?: (tasks: Array<BatchTask<O>>, limit: number) => void;
}

/** One task of a batch as the executor will see it. */
export interface BatchTask<O> {
  id: string;
  options: O;
  context: ExecutorContext;
  deps: ExecutorDeps;
}

/**
 * Nx batch mode for one of our executors (executors.json `batchImplementation`
 * with `preferBatch`): every task of a run with this executor runs in one
 * worker process instead of one forked process each, which spares each task
 * Nx's own start-up in a child (about 0.5 s here) and our module loading.
 * Tasks start as soon as their dependencies inside the batch succeeded (Nx
 * only batches tasks whose other dependencies are done), at most
 * `batchParallelism` at once; a task whose dependency failed is reported
 * skipped, like Nx does outside a batch. Each task's lines are its own
 * terminal output (Nx prints them as the task completes), and one engine
 * client is shared by the whole batch.
 */
export function batchOf<O>(executor: Executor<O>, makeDeps: () => ExecutorDeps = defaultDeps, options: BatchOptions<O> = {}) {
  return async function* batch(
    taskGraph: TaskGraph,
    inputs: Record<string, O>,
    _overrides: unknown,
    context: ExecutorContext,
  ): AsyncGenerator<BatchTaskResult> {
    const shared = makeDeps();
    const limit = batchParallelism(shared.env, (context.nxJsonConfiguration as { parallel?: unknown } | undefined)?.parallel);
    const ids = Object.keys(taskGraph.tasks);
    const pending = new Set(ids);
    const outcome = new Map<string, 'success' | 'failure' | 'skipped'>();
    const running = new Map<string, Promise<BatchTaskResult>>();
    const inBatchDeps = (id: string) => (taskGraph.dependencies[id] ?? []).filter((dep) => dep in taskGraph.tasks);
    const order = options.after?.(taskGraph, context) ?? {};
    const after = (id: string) => (order[id] ?? []).filter((other) => other in taskGraph.tasks && other !== id);

    // Each task's context and deps, whose lines are its terminal output.
    const tasks = new Map(
      ids.map((id): [string, BatchTask<O> & { output: string[] }] => {
        const { project, target, configuration } = taskGraph.tasks[id].target;
        const output: string[] = [];
        const say = (line: string) => output.push(line);
        const context_ = { ...context, projectName: project, targetName: target, configurationName: configuration };
        return [id, { id, options: inputs[id], context: context_, deps: { ...shared, log: say, error: say }, output }];
      }),
    );
    options.prepare?.([...tasks.values()], limit);

    const run = async ({ id, options: taskOptions, context: taskContext, deps, output }: BatchTask<O> & { output: string[] }): Promise<BatchTaskResult> => {
      const startTime = Date.now();
      let success: boolean;
      try {
        success = (await executor(taskOptions, taskContext, deps)).success;
      } catch (error) {
        // The executors catch their own errors (runExecutor); this is a bug: keep its trace.
        output.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
        success = false;
      }
      const terminalOutput = output.length ? `${output.join('\n')}\n` : '';
      return { task: id, result: { success, status: success ? 'success' : 'failure', terminalOutput, startTime, endTime: Date.now() } };
    };

    while (pending.size || running.size) {
      // Tasks whose in-batch dependencies failed never start (and neither do theirs).
      for (let skipped = true; skipped; ) {
        skipped = false;
        for (const id of [...pending]) {
          const failed = inBatchDeps(id).find((dep) => outcome.get(dep) === 'failure' || outcome.get(dep) === 'skipped');
          if (!failed) continue;
          pending.delete(id);
          outcome.set(id, 'skipped');
          skipped = true;
          const now = Date.now();
          yield { task: id, result: { success: false, status: 'skipped', terminalOutput: `not run: ${failed} did not succeed\n`, startTime: now, endTime: now } };
        }
      }
      for (const id of [...pending]) {
        if (running.size >= limit) break;
        if (!inBatchDeps(id).every((dep) => outcome.get(dep) === 'success')) continue;
        if (!after(id).every((other) => outcome.has(other))) continue;
        const task = tasks.get(id);
        if (!task) continue;
        pending.delete(id);
        running.set(id, run(task));
      }
      if (!running.size) {
        if (pending.size) throw new Error(`batch: tasks ${[...pending].join(', ')} wait on each other (a dependency cycle)`);
        break;
      }
      const done = await Promise.race(running.values());
      running.delete(done.task);
      outcome.set(done.task, done.result.status ?? (done.result.success ? 'success' : 'failure'));
      yield done;
    }
  };
}
