// Builds the plugin to JavaScript (tools/nx-stack/dist/): what Nx loads, so no
// command pays for transpiling TypeScript. `ensureFresh()` (called by the
// package entry and every executor shim) rebuilds first whenever the sources
// differ from what dist/ was built from: a stale build cannot run.
// Plain CommonJS with no dependency but esbuild: it runs before anything is built.
'use strict';
const { createHash } = require('node:crypto');
const { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');

const ROOT = __dirname;
const SRC = join(ROOT, 'src');
const DIST = join(ROOT, 'dist');
const STAMP = join(DIST, 'source-hash.txt');
const EXECUTORS = JSON.parse(readFileSync(join(ROOT, 'executors.json'), 'utf8')).executors;

/** The sources that shape the build (specs and test helpers do not). */
function inputs() {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'testing') walk(path);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) files.push(path);
    }
  };
  walk(SRC);
  files.push(join(ROOT, 'executors.json'), join(ROOT, 'package.json'), __filename);
  return files.sort();
}

/** A hash of every input's path and content: the build's identity. */
function sourceHash() {
  const hash = createHash('sha256');
  for (const file of inputs()) hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

/** Entry points: the plugin, the programmatic API, the runtime entry and one bundle per executor. */
function entryPoints() {
  const entries = { index: join(SRC, 'index.ts'), api: join(SRC, 'api.ts'), 'runtime/index': join(SRC, 'runtime/index.ts') };
  for (const name of Object.keys(EXECUTORS)) {
    entries[`executors/${name}`] = join(SRC, 'executors', name, 'executor.ts');
  }
  return entries;
}

/** Builds dist/ from src/ (esbuild, CommonJS, dependencies left to node_modules). Returns the time it took. */
function build() {
  const started = Date.now();
  const esbuild = require('esbuild');
  const hash = sourceHash();
  // Into a fresh folder, then swapped in: a reader never sees half a build.
  const next = `${DIST}.next-${process.pid}`;
  rmSync(next, { recursive: true, force: true });
  esbuild.buildSync({
    entryPoints: entryPoints(),
    outdir: next,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    // The build's identity, for what the plugin caches by it (core/load-service.ts).
    define: { __NX_STACK_BUILD__: JSON.stringify(hash) },
    sourcemap: true,
    logLevel: 'error',
  });
  writeFileSync(join(next, 'source-hash.txt'), hash + '\n');
  // Swap: the old build moves aside first, so dist/ is missing only between two renames.
  const old = `${DIST}.old-${process.pid}`;
  if (existsSync(DIST)) renameSync(DIST, old);
  renameSync(next, DIST);
  rmSync(old, { recursive: true, force: true });
  return Date.now() - started;
}

/** Whether dist/ was built from exactly these sources. */
function isFresh() {
  return existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === sourceHash();
}

const LOCK = `${DIST}.lock`;
const LOCK_STALE_MS = 60_000;
const sleepSync = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Runs `fn` holding dist.lock (a directory: mkdir is atomic), so parallel Nx
 * tasks that all find the build stale build it once, one after the other.
 * A lock left by a killed process is taken over after a minute.
 */
function withLock(fn) {
  const deadline = Date.now() + 2 * LOCK_STALE_MS;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      let age = 0;
      try {
        age = Date.now() - statSync(LOCK).mtimeMs;
      } catch {
        continue; // released meanwhile
      }
      if (age > LOCK_STALE_MS) rmSync(LOCK, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`@paws360/nx-stack: ${LOCK} is held by another build for too long; remove it if no build runs`);
      else sleepSync(50);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** Rebuilds when stale and says so (on stderr by default: stdout may be a --json line); true when it rebuilt. */
function ensureFresh(say = (text) => process.stderr.write(text)) {
  if (isFresh()) return false;
  return withLock(() => {
    // Another process may have built it while this one waited for the lock.
    if (isFresh()) return false;
    const ms = build();
    say(`@paws360/nx-stack: sources changed, rebuilt the plugin (tools/nx-stack/dist) in ${(ms / 1000).toFixed(1)}s\n`);
    return true;
  });
}

module.exports = { build, ensureFresh, isFresh, sourceHash, entryPoints, DIST };

if (require.main === module) {
  const ms = withLock(build);
  const size = statSync(join(DIST, 'index.js')).size;
  console.log(`nx-stack: built ${Object.keys(entryPoints()).length} entry points into tools/nx-stack/dist in ${(ms / 1000).toFixed(1)}s (index.js ${Math.round(size / 1024)} KiB)`);
}
