import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { importedProjects, importsOf, workspaceProjects } from './code-inputs';

const root = resolve(__dirname, '../../..');

type Input = string | { input?: string; projects?: string | string[] };
interface Target {
  executor?: string;
  inputs?: Input[];
  options?: { command?: string };
}

/** Every target of every project.json in the workspace. */
const workspaceTargets = () =>
  workspaceProjects(root).flatMap(({ name: project, root: projectRoot }) => {
    const config = JSON.parse(readFileSync(join(root, projectRoot, 'project.json'), 'utf8')) as { targets?: Record<string, Target> };
    return Object.entries(config.targets ?? {}).map(([name, target]) => ({ project, projectRoot, name, target }));
  });

/** The tsconfig a `tsc -p <tsconfig>` command checks with, if it is one. */
const tsconfigOf = (target: Target) => / -p ([^\s&;]+)/.exec(target.options?.command ?? '')?.[1];

/** A tsconfig's `include` globs, relative to its folder. */
const includesOf = (tsconfig: string) => (JSON.parse(readFileSync(join(root, tsconfig), 'utf8')) as { include?: string[] }).include ?? [];

/** The source folders (relative to the workspace) that a code target reads, from its own configuration. */
function foldersRead(projectRoot: string, name: string, target: Target): string[] {
  const command = target.options?.command ?? '';
  const tsconfig = tsconfigOf(target);
  if (tsconfig) {
    // tsc reads what its tsconfig includes: each glob's folder up to its first wildcard (files such as
    // next-env.d.ts and generated folders such as .next/types are no project's).
    const folders = includesOf(tsconfig)
      .map((glob) => glob.split('/'))
      .filter((segments) => segments.length > 1 && !segments[0].startsWith('.'))
      .map((segments) => segments.slice(0, segments.findIndex((s) => s.includes('*'))).join('/'));
    return [...new Set(folders)].map((f) => join(dirname(tsconfig), f));
  }
  const jestConfig = /\bjest -c ([^\s&;]+)/.exec(command)?.[1];
  if (jestConfig) {
    // jest reads its testMatch folders (and whatever the specs import from there).
    const config = createRequire(__filename)(join(root, jestConfig)) as { rootDir: string; testMatch: string[] };
    const folders = config.testMatch.map((glob) => /^<rootDir>\/([^*]+?)\//.exec(glob)?.[1]);
    if (folders.some((f) => !f)) throw new Error(`${jestConfig}: a testMatch entry without a folder under <rootDir>; teach code-inputs.spec.ts where it looks`);
    return [...new Set(folders as string[])].map((f) => join(resolve(config.rootDir).slice(root.length + 1), f));
  }
  if (/^node [^\s]+\/build\.mjs$/.test(command)) {
    // A bundle: esbuild starts from the entry points its build script names, all under the project's src/.
    const script = readFileSync(join(root, command.slice('node '.length)), 'utf8');
    if (!/entryPoints: \{[^}]*join\(projectRoot, 'src'/.test(script)) throw new Error(`${command}: its entry points are not under src/; teach code-inputs.spec.ts where they are`);
    return [join(projectRoot, 'src')];
  }
  throw new Error(`${projectRoot}:${name} names its dependency inputs itself, but code-inputs.spec.ts cannot tell which folders it reads`);
}

/** The targets that read a project's code; any other target that names projects in its inputs is checked too. */
const CODE_TARGETS = new Set(['typecheck', 'test', 'bundle']);

/** Every such target whose inputs list the projects it depends on by name (no `^…` input): what it declares and what it reads. */
function namedDependencyTargets() {
  return workspaceTargets()
    .filter(({ name, target }) => CODE_TARGETS.has(name) || target.inputs?.some((i) => typeof i === 'object' && i.projects))
    .filter(({ target }) => target.executor === 'nx:run-commands' && target.inputs && !target.inputs.some((i) => typeof i === 'string' && i.startsWith('^')))
    .map(({ project, projectRoot, name, target }) => ({
      target: `${project}:${name}`,
      declared: [...new Set(target.inputs!.flatMap((i) => (typeof i === 'object' && i.projects ? [i.projects].flat() : [])))].sort(),
      imported: importedProjects(root, project, foldersRead(projectRoot, name, target)),
    }));
}

describe('code targets hash the projects their code imports, not the services their stack runs beside', () => {
  const targets = namedDependencyTargets();

  it('the API and the frontend type-check, test and bundle without the data tier or each other in their hash', () => {
    expect(targets.map((t) => t.target).sort()).toEqual(expect.arrayContaining(['api:bundle', 'api:test', 'api:typecheck', 'stack:typecheck', 'web:test', 'web:typecheck']));
  });

  it('a type check that reads folders outside its project lists each of them as an input, as its tsconfig includes it', () => {
    const missing = workspaceTargets().flatMap(({ project, projectRoot, name, target }) => {
      const tsconfig = tsconfigOf(target);
      if (!tsconfig || !target.inputs) return [];
      const dir = dirname(tsconfig);
      if (dir === projectRoot && target.inputs.includes('default')) return [];
      return includesOf(tsconfig)
        .filter((glob) => !target.inputs!.includes(`{workspaceRoot}/${join(dir, glob)}`))
        .map((glob) => `${project}:${name} ${join(dir, glob)}`);
    });
    expect(missing).toEqual([]);
  });

  it('every such target names exactly the projects its sources import, transitively (an import added without its project would let Nx replay a stale pass)', () => {
    expect(targets.map(({ target, imported }) => ({ target, projects: imported }))).toEqual(targets.map(({ target, declared }) => ({ target, projects: declared })));
  });
});

describe('importedProjects', () => {
  let ws: string;
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(ws, path)), { recursive: true });
    writeFileSync(join(ws, path), text);
  };
  beforeEach(() => {
    ws = mkdtempSync(join(tmpdir(), 'code-inputs-'));
    write('package.json', JSON.stringify({ name: 'ws', workspaces: ['tools/plugin'] }));
    write('tsconfig.base.json', JSON.stringify({ compilerOptions: { paths: { '@ws/lib': ['./libs/lib/src/index.ts'] } } }));
    write('project.json', JSON.stringify({ name: 'root' }));
    for (const [name, path] of [['app', 'apps/app'], ['lib', 'libs/lib'], ['other', 'libs/other'], ['plugin', 'tools/plugin'], ['unused', 'libs/unused']]) {
      write(`${path}/project.json`, JSON.stringify({ name }));
    }
    write('tools/plugin/package.json', JSON.stringify({ name: '@ws/plugin' }));
    write('tools/plugin/src/index.ts', 'export const plugin = 1;\n');
    write('libs/other/src/index.ts', 'export const other = 1;\n');
    write('libs/unused/src/index.ts', 'export const unused = 1;\n');
  });
  afterEach(() => rmSync(ws, { recursive: true, force: true }));

  it('follows aliases, relative paths and workspace packages through the imported projects, but not their specs', () => {
    write('apps/app/src/main.ts', "import { lib } from '@ws/lib';\nimport './local';\n");
    write('apps/app/src/local.ts', 'export {};\n');
    write('libs/lib/src/index.ts', "export { other } from '../../other/src/index';\nexport const p = require('@ws/plugin/sub');\n");
    write('libs/lib/src/index.spec.ts', "import '../../unused/src/index';\n");
    expect(importedProjects(ws, 'app', ['apps/app/src'])).toEqual(['lib', 'other', 'plugin']);
  });

  it('a folder that imports nothing of the workspace depends on no project; npm packages are not projects', () => {
    write('apps/app/src/main.ts', "import { z } from 'zod';\nimport type { X } from './types';\n");
    write('apps/app/src/types.ts', 'export type X = 1;\n');
    expect(importedProjects(ws, 'app', ['apps/app/src'])).toEqual([]);
  });

  it('reads every form of import a file can use', () => {
    expect(importsOf("import a from 'a';\nimport 'b';\nexport * from \"c\";\nconst d = require('d');\nawait import('e');\njest.mock('f');\nimport type { G } from 'g';")).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  });

  it('lists the projects of a workspace by their project.json, outside node_modules', () => {
    write('node_modules/x/project.json', JSON.stringify({ name: 'x' }));
    expect(workspaceProjects(ws).map((p) => p.name).sort()).toEqual(['app', 'lib', 'other', 'plugin', 'root', 'unused']);
    expect(readdirSync(ws)).toContain('node_modules');
  });
});
