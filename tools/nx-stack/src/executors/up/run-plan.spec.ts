import type { TaskGraph } from '@nx/devkit';
import { runProjects, upRunPlan } from './run-plan';

/** A task graph as Nx builds it for `run-many -t up` (ids project:target, ^up edges, image edges). */
function graph(edges: Record<string, string[]>): TaskGraph {
  const ids = new Set([...Object.keys(edges), ...Object.values(edges).flat()]);
  const tasks = Object.fromEntries(
    [...ids].map((id) => {
      const [project, target] = id.split(':');
      return [id, { id, target: { project, target }, overrides: {}, outputs: [], parallelism: true, continuous: false, cache: false }];
    }),
  );
  const dependencies = Object.fromEntries([...ids].map((id) => [id, edges[id] ?? []]));
  return { roots: [], tasks, dependencies, continuousDependencies: {} } as unknown as TaskGraph;
}

const stack = graph({
  'etcd:up': ['etcd:image'],
  'patroni:up': ['patroni:image', 'etcd:up'],
  'router:up': ['router:image', 'patroni:up'],
  'redis:up': ['redis:image'],
  'sentinel:up': ['sentinel:image', 'redis:up'],
  'api:up': ['api:image', 'router:up', 'sentinel:up'],
});

describe('upRunPlan', () => {
  it('a service another up of the run depends on waits until it is ready for its dependents', () => {
    for (const project of ['etcd', 'patroni', 'router', 'redis', 'sentinel']) {
      expect(upRunPlan({ projectName: project, targetName: 'up', taskGraph: stack })).toEqual({
        until: 'ready',
        alsoAwait: [],
        // The run's first tasks (no up before them) do the once-per-run checks.
        first: project === 'etcd' || project === 'redis',
      });
    }
  });

  it('the end of the chain waits until it and everything the run started before it are fully healthy', () => {
    expect(upRunPlan({ projectName: 'api', targetName: 'up', taskGraph: stack })).toEqual({
      until: 'healthy',
      alsoAwait: ['etcd', 'patroni', 'redis', 'router', 'sentinel'],
      first: false,
    });
  });

  it('nx run X:up on its own: X and its dependencies end fully healthy', () => {
    const single = graph({ 'router:up': ['router:image', 'patroni:up'], 'patroni:up': ['etcd:up'], 'etcd:up': [] });
    expect(upRunPlan({ projectName: 'router', targetName: 'up', taskGraph: single })).toEqual({ until: 'healthy', alsoAwait: ['etcd', 'patroni'], first: false });
  });

  it('only tasks of the same target count (deploy chains are separate from up chains; image tasks are no service)', () => {
    const mixed = graph({ 'etcd:deploy': ['etcd:image', 'etcd:integration'], 'patroni:deploy': ['etcd:deploy'], 'etcd:up': [] });
    expect(upRunPlan({ projectName: 'etcd', targetName: 'up', taskGraph: mixed })).toEqual({ until: 'healthy', alsoAwait: [], first: true });
    expect(upRunPlan({ projectName: 'etcd', targetName: 'deploy', taskGraph: mixed })).toEqual({ until: 'ready', alsoAwait: [], first: true });
    expect(upRunPlan({ projectName: 'patroni', targetName: 'deploy', taskGraph: mixed })).toEqual({ until: 'healthy', alsoAwait: ['etcd'], first: false });
  });

  it('no task graph (called outside a run, as restore and specs do): fully healthy, nothing else awaited', () => {
    expect(upRunPlan({ projectName: 'etcd', targetName: 'up' })).toEqual({ until: 'healthy', alsoAwait: [], first: true });
  });
});

describe('runProjects', () => {
  it('is every project the run starts with the same target, the task’s own included', () => {
    expect(runProjects({ projectName: 'etcd', targetName: 'up', taskGraph: stack })).toEqual(['api', 'etcd', 'patroni', 'redis', 'router', 'sentinel']);
    expect(runProjects({ projectName: 'etcd', targetName: 'up', taskGraph: undefined as unknown as TaskGraph })).toEqual(['etcd']);
  });
});
