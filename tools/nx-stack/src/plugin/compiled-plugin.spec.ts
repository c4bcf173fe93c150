import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const PACKAGE = join(__dirname, '../..');
const WORKSPACE = join(PACKAGE, '../..');

interface BuildModule {
  build(): number;
  ensureFresh(say?: (text: string) => void): boolean;
  isFresh(): boolean;
  sourceHash(): string;
}

describe('the compiled plugin', () => {
  it('is what Nx loads: the package entry is JavaScript, so Nx registers no TypeScript transpiler for it', async () => {
    // Nx's own resolution of a workspace-local plugin named in nx.json.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { resolveNxPlugin } = require('nx/src/project-graph/plugins/resolve-plugin') as {
      resolveNxPlugin(name: string, root: string, paths: string[]): Promise<{ pluginPath: string; shouldRegisterTSTranspiler: boolean }>;
    };
    const resolved = await resolveNxPlugin('@paws360/nx-stack', WORKSPACE, [WORKSPACE]);
    // Through the installed entry (install-entry.cjs), which forwards to tools/nx-stack/index.js.
    expect(relative(WORKSPACE, resolved.pluginPath)).toBe(join('node_modules', '@paws360', 'nx-stack', 'index.js'));
    expect(resolved.shouldRegisterTSTranspiler).toBe(false);
  }, 30_000);

  it('Nx uses it as an installed package: resolving an executor loads no TypeScript', () => {
    // In a fresh process, as an Nx task worker does: a workspace-local (symlinked) package would make
    // Nx read the root tsconfig through the TypeScript API for each executor (install-entry.cjs).
    const probe = `
      const { getExecutorInformation } = require('nx/src/command-line/run/executor-utils');
      // The plugin's project as the graph has it: what lets Nx find a workspace-local package's sources.
      const projects = { 'nx-stack': { name: 'nx-stack', root: 'tools/nx-stack', targets: {} } };
      const info = getExecutorInformation('@paws360/nx-stack', 'health', process.argv[1], projects);
      const loaded = Object.keys(require.cache);
      process.stdout.write(JSON.stringify({
        typescript: loaded.filter((path) => path.includes('/node_modules/typescript/')).length,
        options: Object.keys(info.schema.properties).sort(),
        batch: typeof info.batchImplementationFactory,
      }));`;
    const result = JSON.parse(execFileSync(process.execPath, ['-e', probe, WORKSPACE], { cwd: WORKSPACE, encoding: 'utf8' })) as { typescript: number; options: string[]; batch: string };
    expect(result.options).toEqual(expect.arrayContaining(['json', 'portOffset', 'stack']));
    expect(result.batch).toBe('function');
    expect(result.typescript).toBe(0);
  }, 30_000);

  it('every executor is a JavaScript shim that checks the build and loads its bundle from dist/', () => {
    const { executors } = JSON.parse(readFileSync(join(PACKAGE, 'executors.json'), 'utf8')) as { executors: Record<string, { implementation: string }> };
    expect(Object.keys(executors).length).toBeGreaterThan(10);
    for (const [name, executor] of Object.entries(executors)) {
      expect(executor.implementation).toBe(`./executors/${name}.js`);
      const shim = readFileSync(join(PACKAGE, executor.implementation), 'utf8');
      expect(shim).toContain("require('../build.cjs').ensureFresh();");
      expect(shim).toContain(`require('../dist/executors/${name}.js')`);
    }
  });

  it('graph creation loads zod only for a service.json it has not validated before (a cache in the workspace data folder)', () => {
    const root = mkdtempSync(join(tmpdir(), 'nx-stack-graph-'));
    try {
      mkdirSync(join(root, 'infrastructure/etcd'), { recursive: true });
      const service = (replicas: number) => writeFileSync(join(root, 'infrastructure/etcd/service.json'), JSON.stringify({ description: 'etcd', kind: 'etcd', replicas }));
      // What an nx command does with the plugin: load it, infer the projects, draw the edges; in a fresh process each time.
      const probe = `
        const plugin = require(process.argv[1]);
        const root = process.argv[2];
        const context = { workspaceRoot: root, nxJsonConfiguration: {}, configFiles: ['infrastructure/etcd/service.json'] };
        Promise.resolve(plugin.createNodes[1](context.configFiles, {}, context)).then((results) => {
          const projects = results[0][1].projects;
          plugin.createDependencies({}, { workspaceRoot: root, projects, externalNodes: {}, fileMap: { projectFileMap: {}, nonProjectFiles: [] }, filesToProcess: { projectFileMap: {}, nonProjectFiles: [] } });
          process.stdout.write(JSON.stringify({
            // zod's code, not its package.json (read for its version, part of the cache's key)
            zod: Object.keys(require.cache).some((path) => path.includes('/node_modules/zod/') && !path.endsWith('package.json')),
            replicas: projects['infrastructure/etcd'].metadata.description,
            targets: Object.keys(projects['infrastructure/etcd'].targets).length,
          }));
        }, (error) => {
          // Nx's AggregateCreateNodesError: one [file, error] per service.json that failed.
          process.stdout.write(JSON.stringify({ error: [error.message, ...(error.errors || []).map(([, e]) => e.message)].join('\\n') }));
        });`;
      const env = { ...process.env, NX_WORKSPACE_DATA_DIRECTORY: join(root, '.nx/workspace-data') };
      const graph = () => JSON.parse(execFileSync(process.execPath, ['-e', probe, PACKAGE, root], { cwd: WORKSPACE, encoding: 'utf8', env })) as { zod?: boolean; targets?: number; error?: string };
      service(3);
      const first = graph();
      expect(first).toMatchObject({ zod: true });
      expect(first.targets).toBeGreaterThan(5);
      expect(graph()).toEqual({ ...first, zod: false });
      // An edit is validated again, and a broken one fails every time with the schema's message.
      service(0);
      expect(graph().error).toMatch(/infrastructure\/etcd\/service\.json[\s\S]*field "replicas"/);
      expect(graph().error).toMatch(/field "replicas"/);
      service(1);
      expect(graph()).toEqual({ ...first, zod: true });
      expect(graph()).toEqual({ ...first, zod: false });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);

  describe('a source change without a rebuild cannot run stale code', () => {
    let root: string;
    beforeEach(() => {
      // A copy of the package (build script, manifest, sources) with the workspace's node_modules.
      root = mkdtempSync(join(tmpdir(), 'nx-stack-build-'));
      for (const entry of ['build.cjs', 'install-entry.cjs', 'executors.json', 'package.json', 'src']) cpSync(join(PACKAGE, entry), join(root, entry), { recursive: true });
      symlinkSync(join(WORKSPACE, 'node_modules'), join(root, 'node_modules'), 'dir');
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const load = (): BuildModule => require(join(root, 'build.cjs'));
    // What a fresh process (an Nx task) gets when it loads the package entry.
    const name = () => {
      writeFileSync(join(root, 'index.js'), readFileSync(join(PACKAGE, 'index.js')));
      return execFileSync(process.execPath, ['-e', 'process.stdout.write(require(process.argv[1]).name)', root], { encoding: 'utf8' });
    };

    it('an edit makes the build stale; ensureFresh rebuilds before anything loads, and the edit is what runs', () => {
      const build = load();
      expect(build.isFresh()).toBe(false);
      build.ensureFresh(() => undefined);
      expect(build.isFresh()).toBe(true);
      expect(name()).toBe('@paws360/nx-stack');

      const index = join(root, 'src/index.ts');
      writeFileSync(index, readFileSync(index, 'utf8').replace("export const name = '@paws360/nx-stack';", "export const name = '@paws360/edited';"));
      expect(build.isFresh()).toBe(false);
      const said: string[] = [];
      expect(build.ensureFresh((text) => said.push(text))).toBe(true);
      expect(said.join('')).toMatch(/sources changed, rebuilt the plugin/);
      expect(name()).toBe('@paws360/edited');
      // Fresh now: the next load does nothing.
      expect(build.ensureFresh((text) => said.push(text))).toBe(false);
    }, 30_000);

    it('parallel tasks that all find the build stale build it once, and every one of them runs the fresh build', async () => {
      writeFileSync(join(root, 'index.js'), readFileSync(join(PACKAGE, 'index.js')));
      const { execFile } = await import('node:child_process');
      const run = () =>
        new Promise<{ stdout: string; stderr: string }>((resolve, reject) =>
          execFile(process.execPath, ['-e', 'process.stdout.write(require(process.argv[1]).name)', root], (error, stdout, stderr) =>
            error ? reject(error) : resolve({ stdout, stderr }),
          ),
        );
      const results = await Promise.all([run(), run(), run(), run()]);
      expect(results.map((r) => r.stdout)).toEqual(Array(4).fill('@paws360/nx-stack'));
      expect(results.filter((r) => r.stderr.includes('rebuilt the plugin'))).toHaveLength(1);
      expect(load().isFresh()).toBe(true);
    }, 60_000);

    it('a spec or test helper change does not make the build stale (they are not in it)', () => {
      const build = load();
      build.ensureFresh(() => undefined);
      mkdirSync(join(root, 'src/testing'), { recursive: true });
      writeFileSync(join(root, 'src/testing/new-fake.ts'), 'export const x = 1;\n');
      writeFileSync(join(root, 'src/core/new.spec.ts'), "it('x', () => undefined);\n");
      expect(build.isFresh()).toBe(true);
    }, 30_000);
  });
});
