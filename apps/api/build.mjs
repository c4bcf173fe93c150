// Builds the API's Docker build context: dist/apps/api/{main.js,main.js.map,
// package.json,Dockerfile}. One command: `node apps/api/build.mjs`
// (what `nx run api:build` runs), from any working directory.
import { build } from 'esbuild';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = dirname(fileURLToPath(import.meta.url));
const workspaceRoot = join(projectRoot, '..', '..');
const outDir = join(workspaceRoot, 'dist', 'apps', 'api');

await rm(outDir, { recursive: true, force: true });
await mkdir(outDir, { recursive: true });

const result = await build({
  entryPoints: [join(projectRoot, 'src', 'main.ts')],
  outfile: join(outDir, 'main.js'),
  bundle: true,
  // The image runs Debian bookworm's nodejs (18.x).
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: true,
  // Stack traces only need the mappings (node --enable-source-maps); keeps the map small.
  sourcesContent: false,
  tsconfig: join(projectRoot, 'tsconfig.json'),
  // pg's optional native binding (pg.native) is never used.
  external: ['pg-native'],
  metafile: true,
  logLevel: 'warning',
  banner: { js: '/* PAWS360 API: bundled by apps/api/build.mjs, do not edit */' },
});

// The image installs nothing from npm: everything is in main.js. This
// package.json only names the bundle and keeps it CommonJS.
const rootPkg = JSON.parse(await readFile(join(workspaceRoot, 'package.json'), 'utf8'));
const pkg = {
  name: '@paws360/api',
  version: '0.1.0',
  private: true,
  description: 'PAWS360 API (bundled; see apps/api/README.md)',
  license: rootPkg.license ?? 'UNLICENSED',
  type: 'commonjs',
  main: 'main.js',
  engines: { node: '>=18' },
  scripts: { start: 'node --enable-source-maps main.js' },
};
await writeFile(join(outDir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
await copyFile(join(projectRoot, 'Dockerfile'), join(outDir, 'Dockerfile'));
await copyFile(join(projectRoot, '.dockerignore'), join(outDir, '.dockerignore'));

const bytes = result.metafile.outputs[relative(process.cwd(), join(outDir, 'main.js')).split('\\').join('/')]?.bytes;
console.log(
  `api: built ${relative(workspaceRoot, outDir)}/ (main.js${bytes ? ` ${(bytes / 1024).toFixed(0)} KiB` : ''}, main.js.map, package.json, Dockerfile)`,
);
