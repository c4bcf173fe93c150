import type { CreateNodesContext, CreateNodesResult, TargetConfiguration } from '@nx/devkit';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as plugin from '../index';
import { INTEGRATION_DIR, createNodes } from './create-nodes';
import { SERVICE_TAG } from '../core/constants';
import type { StackPluginOptions } from './service-targets';

const BASE_TARGETS = ['image', 'up', 'down', 'health', 'inspect', 'logs', 'rebuild', 'deploy', 'smoke'];
/** An etcd service also gets its failure simulation. */
const ALL_TARGETS = [...BASE_TARGETS, 'fail-node'];

describe('createNodes', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'nx-stack-nodes-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const writeService = (folder: string, config: unknown) => {
    mkdirSync(join(root, folder), { recursive: true });
    writeFileSync(join(root, folder, 'service.json'), typeof config === 'string' ? config : JSON.stringify(config));
    return `${folder}/service.json`;
  };
  const context = (): CreateNodesContext => ({ workspaceRoot: root, nxJsonConfiguration: {} });
  const run = async (files: string[], options?: StackPluginOptions) => createNodes[1](files, options, context());
  const projectOf = (result: Awaited<ReturnType<typeof run>>, file: string) => {
    const entry = result.find(([source]) => source === file);
    expect(entry).toBeDefined();
    const projects = (entry![1] as CreateNodesResult).projects!;
    const [[projectRoot, project]] = Object.entries(projects);
    return { projectRoot, project };
  };

  const etcd = {
    description: '3-member etcd cluster',
    kind: 'etcd',
    replicas: 3,
    ports: [{ name: 'client', container: 2379, host: 2379 }],
  };

  it('matches every service.json of the workspace', () => {
    expect(createNodes[0]).toBe('**/service.json');
  });

  it('infers one project per service.json: name, root, tags, description', async () => {
    const etcdFile = writeService('infrastructure/etcd', etcd);
    const routerFile = writeService('infrastructure/router', { description: 'HAProxy', kind: 'router', replicas: 1, dependsOn: ['etcd'] });
    const result = await run([etcdFile, routerFile]);
    expect(result.map(([file]) => file)).toEqual([etcdFile, routerFile]);

    const { projectRoot, project } = projectOf(result, etcdFile);
    expect(projectRoot).toBe('infrastructure/etcd');
    expect(project.name).toBe('etcd');
    expect(project.root).toBe('infrastructure/etcd');
    expect(project.projectType).toBe('application');
    expect(project.tags).toEqual([SERVICE_TAG, 'kind:etcd']);
    expect(project.metadata?.description).toBe('3-member etcd cluster');

    const router = projectOf(result, routerFile).project;
    expect(router.name).toBe('router');
    expect(router.tags).toEqual([SERVICE_TAG, 'kind:router']);
  });

  it('gives every service the stack targets, each with a description, grouped under one target group', async () => {
    const file = writeService('infrastructure/etcd', etcd);
    const { project } = projectOf(await run([file]), file);
    const targets = project.targets as Record<string, TargetConfiguration>;
    expect(Object.keys(targets).sort()).toEqual([...ALL_TARGETS].sort());
    // The pipeline's deploy and smoke reuse up and health (on the staging stack).
    const executorOf: Record<string, string> = { deploy: 'up', smoke: 'health' };
    for (const [name, target] of Object.entries(targets)) {
      expect(target.executor).toBe(`@paws360/nx-stack:${executorOf[name] ?? name}`);
      expect(typeof target.metadata?.description).toBe('string');
      expect(target.metadata!.description!.length).toBeGreaterThan(10);
      expect(target.metadata!.description).toContain('etcd');
    }
    expect(targets.up.metadata?.description).toContain('3 members');
    expect(project.metadata?.targetGroups).toEqual({ Stack: Object.keys(targets) });
  });

  it('up depends on the dependencies’ up (it ensures its own image); no target is Nx-cached (they act on the engine)', async () => {
    const file = writeService('infrastructure/etcd', etcd);
    const targets = projectOf(await run([file]), file).project.targets!;
    expect(targets.up.dependsOn).toEqual(['^up']);
    // image skips by content hash itself: an Nx replay could claim a deleted image.
    for (const name of ALL_TARGETS) expect(targets[name].cache).toBe(false);
    const ordered = ['up', 'deploy', 'smoke'];
    for (const name of ALL_TARGETS.filter((t) => !ordered.includes(t))) expect(targets[name].dependsOn ?? []).toEqual([]);
  });

  it('deploy and smoke act on the staging stack (plugin option), after image, the dependencies’ deploy and every integration suite', async () => {
    const file = writeService('infrastructure/etcd', etcd);
    const targets = projectOf(await run([file]), file).project.targets!;
    expect(targets.deploy).toMatchObject({
      executor: '@paws360/nx-stack:up',
      dependsOn: ['image', '^deploy', { target: 'integration', projects: '*' }],
      options: { stack: 'paws360-staging', portOffset: 10000 },
    });
    expect(targets.smoke).toMatchObject({ executor: '@paws360/nx-stack:health', dependsOn: ['deploy'], options: { stack: 'paws360-staging' } });
    const custom = projectOf(await run([file], { staging: { stack: 'ci-staging', portOffset: 5000 } }), file).project.targets!;
    expect(custom.deploy.options).toEqual({ stack: 'ci-staging', portOffset: 5000 });
    expect(custom.smoke.options).toEqual({ stack: 'ci-staging', portOffset: 5000 });
  });

  it('image inputs: the build context, minus config/docs/tests (what nx affected and the hash report show)', async () => {
    const file = writeService('infrastructure/etcd', etcd);
    const inputs = projectOf(await run([file]), file).project.targets!.image.inputs!;
    expect(inputs).toContain('{projectRoot}/**/*');
    expect(inputs).toContain('!{projectRoot}/service.json');
    expect(inputs).toContain('!{projectRoot}/**/*.md');
    expect(inputs.some((i) => typeof i === 'object' && 'runtime' in i)).toBe(false);
  });

  it('an app built by a build target: image, up and rebuild all run that target first (none may ship the old bundle)', async () => {
    const file = writeService('apps/api', {
      description: 'api',
      kind: 'http',
      replicas: 1,
      image: { context: '../../dist/apps/api', buildTarget: 'build' },
      ports: [{ name: 'http', container: 8080, host: 8080 }],
      healthCheck: { port: 'http', path: '/actuator/health' },
    });
    const targets = projectOf(await run([file]), file).project.targets!;
    expect(targets.image.dependsOn).toEqual(['build']);
    expect(targets.up.dependsOn).toEqual(['build', '^up']);
    expect(targets.rebuild.dependsOn).toEqual(['build']);
  });

  it('a context outside the project folder becomes a workspace-relative input', async () => {
    const file = writeService('infrastructure/patroni', {
      description: 'Patroni',
      kind: 'patroni',
      replicas: 3,
      image: { dockerfile: 'patroni/Dockerfile', context: '..' },
    });
    const inputs = projectOf(await run([file]), file).project.targets!.image.inputs!;
    expect(inputs[0]).toBe('{workspaceRoot}/infrastructure/**/*');
    expect(projectOf(await run([file]), file).project.targets!.image.metadata?.description).toContain('patroni/Dockerfile');
  });

  it('is deterministic: the same files give the same result', async () => {
    const files = [writeService('infrastructure/etcd', etcd), writeService('infrastructure/redis', { description: 'Redis', kind: 'redis', replicas: 2 })];
    const first = await run(files);
    const second = await run(files);
    expect(JSON.stringify(second)).toEqual(JSON.stringify(first));
  });

  it('targetPrefix prefixes every target, its dependsOn and the target group', async () => {
    const file = writeService('infrastructure/etcd', etcd);
    const { project } = projectOf(await run([file], { targetPrefix: 'stack-' }), file);
    expect(Object.keys(project.targets!).sort()).toEqual(ALL_TARGETS.map((t) => `stack-${t}`).sort());
    expect(project.targets!['stack-up'].dependsOn).toEqual(['^stack-up']);
    expect(project.metadata?.targetGroups?.Stack).toEqual(Object.keys(project.targets!));
  });

  it('a service with an integration/ folder also gets an integration target after its image and its dependencies’ images, cached by its real inputs', async () => {
    const file = writeService('infrastructure/etcd', etcd);
    const plain = await run([file]);
    expect(projectOf(plain, file).project.targets!.integration).toBeUndefined();
    mkdirSync(join(root, 'infrastructure/etcd', INTEGRATION_DIR));
    const { project } = projectOf(await run([file]), file);
    const integration = project.targets!.integration;
    expect(integration).toMatchObject({ executor: 'nx:run-commands', cache: true, dependsOn: ['image', '^image'] });
    expect(integration.parallelism).toBeUndefined();
    expect(integration.inputs).toEqual(
      expect.arrayContaining([
        '{projectRoot}/**/*',
        '^production',
        '{workspaceRoot}/libs/stack-testing/src/**/*',
        '{workspaceRoot}/tools/nx-stack/src/**/*.ts',
        // What Nx loads on the way to that code: a change there must rerun the suites too.
        '{workspaceRoot}/tools/nx-stack/install-entry.cjs',
        '{workspaceRoot}/tools/nx-stack/index.js',
        '{workspaceRoot}/tools/nx-stack/executors/*.js',
        '{workspaceRoot}/tools/nx-stack/executors.json',
        { runtime: expect.stringContaining('docker version') },
      ]),
    );
    expect(integration.outputs).toEqual(['{workspaceRoot}/dist/test-results/etcd/integration.xml']);
    expect(integration.options.command).toContain('infrastructure/etcd/integration');
    expect(integration.metadata?.description).toContain('etcd');
    expect(project.metadata?.targetGroups?.Stack).toContain('integration');
    const prefixed = projectOf(await run([file], { targetPrefix: 'stack-' }), file).project;
    expect(prefixed.targets!['stack-integration'].dependsOn).toEqual(['stack-image', '^stack-image']);
  });

  it('an invalid service.json fails graph creation with an error naming the file and the field', async () => {
    const good = writeService('infrastructure/etcd', etcd);
    const bad = writeService('infrastructure/broken', { description: 'x', kind: 'etcd', replicas: 0 });
    let caught: unknown;
    try {
      await run([good, bad]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeDefined();
    // Nx's AggregateCreateNodesError: one [file, error] per failing file, the good ones as partial results.
    const { errors, partialResults } = caught as { errors: Array<[string, Error]>; partialResults: Array<[string, unknown]> };
    expect(errors).toHaveLength(1);
    expect(errors[0][0]).toBe(bad);
    expect(errors[0][1].message).toContain('infrastructure/broken/service.json');
    expect(errors[0][1].message).toContain('field "replicas"');
    expect(partialResults.map(([f]) => f)).toEqual([good]);
  });

  it('the package entry exports the plugin under its name, also as createNodesV2', () => {
    expect(plugin.name).toBe('@paws360/nx-stack');
    expect(plugin.createNodes).toBe(createNodes);
    expect(plugin.createNodesV2).toBe(createNodes);
    expect(typeof plugin.createDependencies).toBe('function');
  });
});
