// `nx run api:dev`: the API from source against the running stack, restarted
// on save. A save under src/ (seen through the OS's file notifications)
// rebuilds one bundle with esbuild (tens of ms) and restarts Node (the images' Node 22) on it,
// which loads in a fraction of what transpiling TypeScript at start-up costs. The Node inspector listens on
// 127.0.0.1:9229 for a debugger; source maps point it at src/.
// The stack's addresses come from the environment (@paws360/nx-stack:run sets them).
import { context } from 'esbuild';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, watch } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeBinary } from '../../../tools/node-runtime/node-binary.mjs';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const workspaceRoot = join(projectRoot, '..', '..');
const outDir = join(workspaceRoot, 'dist', 'dev', 'api');
mkdirSync(outDir, { recursive: true });
// The bundle finds its migrations beside it, as in the image: the source folder itself, so a new file is seen.
if (!existsSync(join(outDir, 'migrations'))) symlinkSync(join(projectRoot, 'migrations'), join(outDir, 'migrations'), 'dir');

const options = {
  entryPoints: { main: join(projectRoot, 'src', 'main.ts') },
  outdir: outDir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  // Only the mappings: a smaller map for Node to read at each start.
  sourcesContent: false,
  tsconfig: join(projectRoot, 'tsconfig.json'),
  // Our sources only: dependencies load from node_modules, so a rebuild is a few files, not 4 MB.
  packages: 'external',
  logLevel: 'warning',
};
const ctx = await context(options);
const bundled = async () => {
  const started = performance.now();
  const result = await ctx.rebuild().catch(() => undefined); // esbuild has printed the errors
  if (result) console.error(`api:dev: bundled in ${Math.round(performance.now() - started)} ms`);
  return result !== undefined;
};
if (!(await bundled())) process.exit(1);

const inspect = process.env.API_DEV_INSPECT ?? '127.0.0.1:9229';
const node = nodeBinary();
let child;
let stopping = false;
const start = () => {
  // The images' Node.js (22), not the host's: the same runtime as in the stack, and V8's compile cache
  // (NODE_COMPILE_CACHE, Node >= 22.1) makes each restart load its modules from cached code.
  child = spawn(node, [`--inspect=${inspect}`, '--enable-source-maps', join(outDir, 'main.js')], {
    stdio: 'inherit',
    env: { ...process.env, NODE_COMPILE_CACHE: join(outDir, '.compile-cache') },
  });
  const self = child;
  self.on('exit', (code, signal) => {
    if (stopping) process.exit(0);
    if (self === child && !self.restarting) console.error(`api:dev: the API exited (${signal ?? code}); it starts again on the next save`);
  });
};
/** Stops the running API (SIGTERM: its graceful shutdown; SIGKILL after 1 s) and starts the new bundle. */
const restart = async () => {
  const old = child;
  if (old && old.exitCode === null && old.signalCode === null) {
    old.restarting = true;
    const exited = new Promise((resolve) => old.once('exit', resolve));
    const stopStarted = performance.now();
    old.kill('SIGTERM');
    const timer = setTimeout(() => old.kill('SIGKILL'), 1000);
    await exited;
    clearTimeout(timer);
    console.error(`api:dev: the old process stopped in ${Math.round(performance.now() - stopStarted)} ms`);
  }
  start();
};

// Saves are watched with the OS's notifications (esbuild's own watch mode polls, which can take a second or two).
let pending;
let running = Promise.resolve();
watch(join(projectRoot, 'src'), { recursive: true }, (_event, file) => {
  if (!file || /\.spec\.ts$/.test(file)) return;
  clearTimeout(pending);
  pending = setTimeout(() => {
    running = running.then(async () => {
      if (await bundled()) await restart();
    });
  }, 20);
});
start();

const stop = (signal) => {
  if (stopping) return;
  stopping = true;
  void ctx.dispose();
  if (child && child.exitCode === null) child.kill(signal);
  else process.exit(0);
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
