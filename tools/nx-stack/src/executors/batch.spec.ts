import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { batchOf, batchParallelism, type BatchTaskResult } from './batch';
import type { ExecutorDeps } from './executor-support';

/** A batch task graph over `project:target` ids with in-batch and outside dependencies. */
function graph(deps: Record<string, string[]>): TaskGraph {
  const tasks = Object.fromEntries(
    Object.keys(deps).map((id) => {
      const [project, target] = id.split(':');
      return [id, { id, target: { project, target }, overrides: {}, outputs: [], parallelism: true }];
    }),
  );
  return { roots: Object.keys(deps).filter((id) => !deps[id].length), tasks, dependencies: deps, continuousDependencies: {} } as unknown as TaskGraph;
}

const context = { root: '/ws', cwd: '/ws', isVerbose: false, nxJsonConfiguration: {} } as unknown as ExecutorContext;

function depsWith(env: NodeJS.ProcessEnv = {}): () => ExecutorDeps {
  return () => ({ runtime: {} as ExecutorDeps['runtime'], log: () => undefined, error: () => undefined, env });
}

async function collect(iterator: AsyncGenerator<BatchTaskResult>): Promise<BatchTaskResult[]> {
  const results: BatchTaskResult[] = [];
  for await (const result of iterator) results.push(result);
  return results;
}

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('batchOf', () => {
  it('runs each task with its own options, project and target, after its in-batch dependencies, and keeps each task’s lines apart', async () => {
    const started: string[] = [];
    const batch = batchOf<{ delay: number }>(async (options, ctx, deps) => {
      started.push(ctx.projectName!);
      deps.log(`${ctx.projectName}:${ctx.targetName} starting`);
      await tick(options.delay);
      deps.error(`${ctx.projectName} done`);
      return { success: true };
    }, depsWith());
    // patroni needs etcd (in the batch) and a build task outside it (done before the batch, as Nx guarantees).
    const tasks = graph({ 'etcd:up': [], 'redis:up': [], 'patroni:up': ['etcd:up', 'patroni:build'] });
    const results = await collect(batch(tasks, { 'etcd:up': { delay: 30 }, 'redis:up': { delay: 1 }, 'patroni:up': { delay: 1 } }, {}, context));
    expect(results.map((r) => r.task)).toEqual(['redis:up', 'etcd:up', 'patroni:up']);
    expect(started.indexOf('patroni')).toBeGreaterThan(started.indexOf('etcd'));
    const patroni = results.find((r) => r.task === 'patroni:up')!.result;
    expect(patroni).toMatchObject({ success: true, status: 'success', terminalOutput: 'patroni:up starting\npatroni done\n' });
    expect(patroni.startTime).toBeLessThanOrEqual(patroni.endTime!);
  });

  it('reports the dependents of a failed task skipped, transitively, and still runs the independent ones', async () => {
    const ran: string[] = [];
    const batch = batchOf(async (_options, ctx, deps) => {
      ran.push(ctx.projectName!);
      if (ctx.projectName === 'etcd') deps.error('etcd: port 2379 is busy');
      return { success: ctx.projectName !== 'etcd' };
    }, depsWith());
    const tasks = graph({ 'api:up': ['router:up'], 'router:up': ['patroni:up'], 'patroni:up': ['etcd:up'], 'etcd:up': [], 'redis:up': [] });
    const results = Object.fromEntries((await collect(batch(tasks, {}, {}, context))).map((r) => [r.task, r.result]));
    expect(ran.sort()).toEqual(['etcd', 'redis']);
    expect(results['etcd:up']).toMatchObject({ success: false, status: 'failure', terminalOutput: 'etcd: port 2379 is busy\n' });
    expect(results['redis:up'].status).toBe('success');
    expect(results['patroni:up']).toMatchObject({ success: false, status: 'skipped', terminalOutput: 'not run: etcd:up did not succeed\n' });
    expect(results['router:up'].status).toBe('skipped');
    expect(results['api:up'].status).toBe('skipped');
  });

  it('turns an executor that throws into that task’s failure with the trace, not the whole batch’s', async () => {
    const batch = batchOf(async (_options, ctx) => {
      if (ctx.projectName === 'web') throw new Error('boom');
      return { success: true };
    }, depsWith());
    const results = await collect(batch(graph({ 'web:health': [], 'api:health': [] }), {}, {}, context));
    const web = results.find((r) => r.task === 'web:health')!.result;
    expect(web.success).toBe(false);
    expect(web.terminalOutput).toContain('Error: boom');
    expect(results.find((r) => r.task === 'api:health')!.result.success).toBe(true);
  });

  it('runs at most the run’s parallelism at once', async () => {
    let running = 0;
    let peak = 0;
    const batch = batchOf(async () => {
      peak = Math.max(peak, ++running);
      await tick(5);
      running--;
      return { success: true };
    }, depsWith({ NX_PARALLEL: '2' }));
    const results = await collect(batch(graph({ 'a:image': [], 'b:image': [], 'c:image': [], 'd:image': [], 'e:image': [] }), {}, {}, context));
    expect(results).toHaveLength(5);
    expect(peak).toBe(2);
  });

  it('names the tasks of a dependency cycle instead of hanging', async () => {
    const batch = batchOf(async () => ({ success: true }), depsWith());
    await expect(collect(batch(graph({ 'a:up': ['b:up'], 'b:up': ['a:up'] }), {}, {}, context))).rejects.toThrow('a:up, b:up wait on each other');
  });
});

describe('batchParallelism', () => {
  it('takes NX_PARALLEL, then nx.json’s parallel, then Nx’s default of 3', () => {
    expect(batchParallelism({ NX_PARALLEL: '2' }, 5)).toBe(2);
    expect(batchParallelism({}, 5)).toBe(5);
    expect(batchParallelism({ NX_PARALLEL: 'many' }, undefined)).toBe(3);
    expect(batchParallelism({}, 0)).toBe(3);
  });
});
