/**
 * Which workspace projects a code target (typecheck, test) really reads.
 *
 * The project graph joins a service to the services it runs beside (the
 * plugin's edges from service.json `dependsOn`: web → api → router, sentinel
 * …). Those edges are right for `up`, `integration` and `nx affected`, but
 * `^production` would also put the API's sources and every Dockerfile of the
 * data tier into the hash of the frontend's type check, which only talks to
 * the API over HTTP. Such targets name the projects they import instead
 * (`{ "input": "production", "projects": [...] }`); this module computes the
 * projects a set of source folders imports, transitively, so a spec can hold
 * every such list to what the code imports: an import added without its
 * project in the list would let Nx replay a stale pass from its cache.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const SOURCE = /\.(ts|tsx|mts|cts)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', '.next', 'coverage', 'tmp']);
// import … from 'x', export … from 'x', import 'x', require('x'), import('x'), jest.mock('x')
const SPECIFIERS = /(?:\bfrom\s*|\bimport\s*|\brequire\s*\(\s*|\bimport\s*\(\s*|\bjest\.mock\s*\(\s*)['"]([^'"]+)['"]/g;

/** A workspace project: its name and root folder (relative to the workspace). */
export interface WorkspaceProject {
  name: string;
  root: string;
}

/** Every project of the workspace that has a project.json (the code projects; service.json-only projects hold no TypeScript). */
export function workspaceProjects(workspaceRoot: string): WorkspaceProject[] {
  const found: WorkspaceProject[] = [];
  const walk = (dir: string, depth: number) => {
    const file = join(dir, 'project.json');
    if (existsSync(file)) {
      const name = (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name;
      if (name) found.push({ name, root: relative(workspaceRoot, dir) });
    }
    if (depth === 0) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && !SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.')) walk(join(dir, entry.name), depth - 1);
    }
  };
  walk(workspaceRoot, 3);
  return found;
}

/** The TypeScript files under `dir`, recursively, outside build output and node_modules. */
export function sourceFiles(dir: string, options: { withSpecs?: boolean } = {}): string[] {
  if (!existsSync(dir)) return [];
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.')) files.push(...sourceFiles(path, options));
    } else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      if (options.withSpecs !== false || !/\.spec\.tsx?$/.test(entry.name)) files.push(path);
    }
  }
  return files;
}

/** The import specifiers a source file names. */
export function importsOf(source: string): string[] {
  return [...source.matchAll(SPECIFIERS)].map((m) => m[1]);
}

/** The project whose root holds `path` (the deepest one), if any. */
function projectOf(path: string, workspaceRoot: string, projects: WorkspaceProject[]): WorkspaceProject | undefined {
  const rel = relative(workspaceRoot, path);
  return projects
    .filter((p) => p.root === '' ? false : rel === p.root || rel.startsWith(p.root + sep))
    .sort((a, b) => b.root.length - a.root.length)[0];
}

/**
 * Resolves a specifier to the workspace path it reads, if it reads one: a
 * relative path, a tsconfig.base.json `paths` alias, or a workspace package
 * (`@paws360/nx-stack` is tools/nx-stack, an npm workspace).
 */
function workspacePath(specifier: string, fromFile: string, workspaceRoot: string, aliases: Map<string, string>, packages: Map<string, string>): string | undefined {
  if (specifier.startsWith('.')) return resolve(dirname(fromFile), specifier);
  if (aliases.has(specifier)) return aliases.get(specifier);
  for (const [name, root] of packages) if (specifier === name || specifier.startsWith(name + '/')) return root;
  return undefined;
}

function aliasesOf(workspaceRoot: string): Map<string, string> {
  const base = JSON.parse(readFileSync(join(workspaceRoot, 'tsconfig.base.json'), 'utf8')) as { compilerOptions?: { paths?: Record<string, string[]> } };
  return new Map(Object.entries(base.compilerOptions?.paths ?? {}).map(([alias, [target]]) => [alias, resolve(workspaceRoot, target)]));
}

function packagesOf(workspaceRoot: string): Map<string, string> {
  const workspaces = (JSON.parse(readFileSync(join(workspaceRoot, 'package.json'), 'utf8')) as { workspaces?: string[] }).workspaces ?? [];
  const packages = new Map<string, string>();
  for (const folder of workspaces) {
    const manifest = join(workspaceRoot, folder, 'package.json');
    if (existsSync(manifest)) packages.set((JSON.parse(readFileSync(manifest, 'utf8')) as { name: string }).name, resolve(workspaceRoot, folder));
  }
  return packages;
}

/**
 * The other projects that the TypeScript under `folders` (relative to the
 * workspace; what lies inside them is read, not imported, whichever project holds it) imports, followed through those projects' own sources (specs
 * left out): the projects whose files a type check or a test run of those
 * folders reads. Sorted by name.
 */
export function importedProjects(workspaceRoot: string, owner: string, folders: string[]): string[] {
  const projects = workspaceProjects(workspaceRoot);
  const aliases = aliasesOf(workspaceRoot);
  const packages = packagesOf(workspaceRoot);
  const found = new Set<string>();
  const queue = folders.flatMap((f) => sourceFiles(join(workspaceRoot, f)));
  const seenFiles = new Set(queue);
  const seenProjects = new Set<string>([owner]);
  // A file inside the folders read is read as such, whichever project holds it: not an import of that project.
  const readRoots = folders.map((f) => join(workspaceRoot, f));
  const isRead = (path: string) => readRoots.some((r) => path === r || path.startsWith(r + sep));
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
      const target = workspacePath(specifier, file, workspaceRoot, aliases, packages);
      if (!target || isRead(target)) continue;
      const project = projectOf(target, workspaceRoot, projects);
      if (!project || seenProjects.has(project.name)) continue;
      seenProjects.add(project.name);
      found.add(project.name);
      // Everything the imported project ships (its sources without specs) can be read through it.
      const root = join(workspaceRoot, project.root);
      const folder = existsSync(join(root, 'src')) && statSync(join(root, 'src')).isDirectory() ? join(root, 'src') : root;
      for (const next of sourceFiles(folder, { withSpecs: false })) {
        if (!seenFiles.has(next)) {
          seenFiles.add(next);
          queue.push(next);
        }
      }
    }
  }
  return [...found].sort();
}
