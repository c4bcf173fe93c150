import type { ExecutorContext } from '@nx/devkit';
import type { Condition } from '../../lifecycle/wait';

export interface UpRunPlan {
  /** What this task waits for before it ends. */
  until: Condition;
  /** Projects started earlier in the same run whose full health this task waits for too (it is the last of their chain). */
  alsoAwait: string[];
  /** Depends on no other task of the run with its target: among the first to run (checks once per run go there). */
  first: boolean;
}

/**
 * Gating on need, from the run's own task graph. A service that another
 * `up` of this run depends on only waits until it is ready for its
 * dependents, so they start as soon as they can; a task nothing in the run
 * depends on (the end of a chain: the api in `run-many -t up`, or X in
 * `nx run X:up`) waits until it is fully healthy and then until every
 * service its chain started is fully healthy as well. So the run still ends
 * only when everything it started is fully healthy.
 */
export function upRunPlan(context: Pick<ExecutorContext, 'projectName' | 'targetName' | 'taskGraph'>): UpRunPlan {
  const graph = context.taskGraph;
  const target = context.targetName;
  const self = graph && Object.values(graph.tasks).find((t) => t.target.project === context.projectName && t.target.target === target);
  if (!graph || !self) return { until: 'healthy', alsoAwait: [], first: true };
  const sameTarget = (id: string) => graph.tasks[id]?.target.target === target;
  const first = !(graph.dependencies[self.id] ?? []).some(sameTarget);
  const dependents = Object.entries(graph.dependencies).filter(([id, deps]) => id !== self.id && deps.includes(self.id) && sameTarget(id));
  if (dependents.length) return { until: 'ready', alsoAwait: [], first };
  const seen = new Set<string>();
  const visit = (id: string) => {
    for (const dep of graph.dependencies[id] ?? []) {
      if (!sameTarget(dep) || seen.has(dep)) continue;
      seen.add(dep);
      visit(dep);
    }
  };
  visit(self.id);
  return { until: 'healthy', alsoAwait: [...seen].map((id) => graph.tasks[id].target.project).sort(), first };
}

/** The projects this run starts with the same target (every `up` of `run-many -t up`, or X and its dependencies for `nx run X:up`). */
export function runProjects(context: Pick<ExecutorContext, 'projectName' | 'targetName' | 'taskGraph'>): string[] {
  const tasks = Object.values(context.taskGraph?.tasks ?? {}).filter((t) => t.target.target === context.targetName);
  const projects = new Set(tasks.map((t) => t.target.project));
  if (context.projectName) projects.add(context.projectName);
  return [...projects].sort();
}
