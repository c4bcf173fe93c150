import { DependencyType, type CreateDependenciesContext, type ProjectConfiguration } from '@nx/devkit';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../core/config-error';
import { SERVICE_TAG } from '../core/constants';
import { createDependencies } from './create-dependencies';

describe('createDependencies', () => {
  let root: string;
  let projects: Record<string, ProjectConfiguration>;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'nx-stack-deps-'));
    projects = {};
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const addService = (name: string, dependsOn: string[] = []) => {
    const folder = `infrastructure/${name}`;
    mkdirSync(join(root, folder), { recursive: true });
    writeFileSync(join(root, folder, 'service.json'), JSON.stringify({ description: name, kind: 'etcd', replicas: 1, dependsOn }));
    projects[name] = { name, root: folder, tags: [SERVICE_TAG, 'kind:http'] };
  };
  const context = (): CreateDependenciesContext => ({
    workspaceRoot: root,
    projects,
    externalNodes: {},
    nxJsonConfiguration: {},
    fileMap: {
      projectFileMap: Object.fromEntries(
        Object.values(projects).map((p) => [p.name!, [{ file: `${p.root}/service.json`, hash: '1' }]]),
      ),
      nonProjectFiles: [],
    },
    filesToProcess: { projectFileMap: {}, nonProjectFiles: [] },
  });

  it('draws one static edge per dependsOn entry, from the service.json that declares it', async () => {
    addService('etcd');
    addService('patroni', ['etcd']);
    addService('router', ['patroni', 'etcd']);
    const edges = await createDependencies(undefined, context());
    expect(edges).toEqual(
      expect.arrayContaining([
        { source: 'patroni', target: 'etcd', sourceFile: 'infrastructure/patroni/service.json', type: DependencyType.static },
        { source: 'router', target: 'patroni', sourceFile: 'infrastructure/router/service.json', type: DependencyType.static },
        { source: 'router', target: 'etcd', sourceFile: 'infrastructure/router/service.json', type: DependencyType.static },
      ]),
    );
    expect(edges).toHaveLength(3);
  });

  it('ignores projects that are not services (no service.json is read for them)', async () => {
    addService('etcd');
    projects['nx-stack'] = { name: 'nx-stack', root: 'tools/nx-stack', tags: ['type:tool'] };
    projects['stack'] = { name: 'stack', root: '.' };
    expect(await createDependencies(undefined, context())).toEqual([]);
  });

  it('an unknown dependency names the file, the field and the services there are', async () => {
    addService('etcd');
    addService('redis');
    addService('patroni', ['etcd', 'etcdd']);
    projects['nx-stack'] = { name: 'nx-stack', root: 'tools/nx-stack', tags: ['type:tool'] };
    let caught: unknown;
    try {
      await createDependencies(undefined, context());
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as Error).message;
    expect(message).toContain('infrastructure/patroni/service.json');
    expect(message).toContain('field "dependsOn.1"');
    expect(message).toContain('"etcdd"');
    expect(message).toContain('services: etcd, patroni, redis');
    // A project that is not a service is no candidate.
    expect(message).not.toContain('nx-stack');
  });

  it('a project that exists but is not a service is not a valid dependency', async () => {
    addService('etcd', ['nx-stack']);
    projects['nx-stack'] = { name: 'nx-stack', root: 'tools/nx-stack', tags: ['type:tool'] };
    await expect(Promise.resolve().then(() => createDependencies(undefined, context()))).rejects.toThrow(
      /field "dependsOn\.0": no service named "nx-stack"/,
    );
  });
});
