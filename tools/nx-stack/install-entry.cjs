// Installs the plugin's package entry, node_modules/@paws360/nx-stack, as a real
// folder instead of npm's workspace symlink into tools/nx-stack.
//
// Why: Nx treats a plugin whose package resolves into the workspace (a symlinked
// workspace package) as "source-first". For every executor it resolves it then
// reads the root tsconfig through the TypeScript compiler API, which loads
// `typescript` (0.25-0.35 s here): once in every nx command (the root
// project.json names our executors) and again in every task and batch worker.
// A package under node_modules is used as installed, so none of that happens
// (docs/benchmarks.md, "The plugin entry in node_modules").
//
// The folder holds nothing that can go stale:
//   package.json    generated from tools/nx-stack/package.json (name, version, main, executors)
//   index.js        forwards to tools/nx-stack/index.js, which rebuilds dist/ when src/ changed
//   executors.json  a copy (Nx takes its real path as the executors' folder, so it cannot be a link)
//   executors/ src/ links into tools/nx-stack (the executor shims and their schemas)
// ensureEntry() runs on `npm install`/`npm ci` (the root package.json's postinstall)
// and each time Nx loads the plugin, which rewrites any part that differs.
// Plain CommonJS with no dependency: it runs before anything is built.
'use strict';
const { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } = require('node:fs');
const { dirname, join, relative } = require('node:path');

const PLUGIN = __dirname;
const LINKED = ['executors', 'src'];

/** Where the entry lives for the workspace at `root`, and what it must contain. */
function desiredEntry(root = join(PLUGIN, '../..'), plugin = PLUGIN) {
  const manifest = JSON.parse(readFileSync(join(plugin, 'package.json'), 'utf8'));
  const dir = join(root, 'node_modules', ...manifest.name.split('/'));
  const back = relative(dir, plugin);
  const files = {
    'package.json':
      JSON.stringify(
        {
          name: manifest.name,
          version: manifest.version,
          private: true,
          description: `${manifest.description} (entry installed by ${relative(root, join(plugin, 'install-entry.cjs'))})`,
          main: './index.js',
          types: './src/index.ts',
          executors: './executors.json',
        },
        null,
        2,
      ) + '\n',
    'index.js': `// Installed by ${relative(root, join(plugin, 'install-entry.cjs'))}: the plugin lives in ${relative(root, plugin)}.\nmodule.exports = require(${JSON.stringify(`${back}/index.js`)});\n`,
    'executors.json': readFileSync(join(plugin, manifest.executors), 'utf8'),
  };
  const links = Object.fromEntries(LINKED.map((name) => [name, `${back}/${name}`]));
  return { dir, files, links };
}

const read = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};
const link = (path) => {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
};

/** Whether the entry at `dir` is a real folder with exactly these files and links. */
function isCurrent({ dir, files, links }) {
  let stat;
  try {
    stat = lstatSync(dir);
  } catch {
    return false;
  }
  if (!stat.isDirectory()) return false;
  return Object.entries(files).every(([name, text]) => read(join(dir, name)) === text) && Object.entries(links).every(([name, target]) => link(join(dir, name)) === target);
}

/**
 * Makes node_modules/@paws360/nx-stack the real folder described above; true when it changed
 * anything. Built beside it and swapped in with renames, so a concurrent reader never sees half of it.
 */
function ensureEntry(root, plugin) {
  const entry = desiredEntry(root, plugin);
  if (isCurrent(entry)) return false;
  const parent = dirname(entry.dir);
  mkdirSync(parent, { recursive: true });
  const next = `${entry.dir}.next-${process.pid}`;
  rmSync(next, { recursive: true, force: true });
  mkdirSync(next);
  for (const [name, text] of Object.entries(entry.files)) writeFileSync(join(next, name), text);
  for (const [name, target] of Object.entries(entry.links)) symlinkSync(target, join(next, name), 'dir');
  const old = `${entry.dir}.old-${process.pid}`;
  try {
    renameSync(entry.dir, old);
  } catch (error) {
    // Not installed yet, or another process is swapping its own in right now.
    if (error.code !== 'ENOENT') throw error;
  }
  try {
    renameSync(next, entry.dir);
  } catch (error) {
    // Another process swapped its own (identical) entry in meanwhile.
    if (!existsSync(entry.dir)) throw error;
    rmSync(next, { recursive: true, force: true });
  }
  rmSync(old, { recursive: true, force: true });
  return true;
}

/** ensureEntry for the workspace this plugin sits in, when it is one with an install (the plugin's load calls this). */
function ensureWorkspaceEntry() {
  const root = join(PLUGIN, '../..');
  if (!existsSync(join(root, 'nx.json')) || !existsSync(join(root, 'node_modules'))) return false;
  return ensureEntry(root);
}

module.exports = { desiredEntry, ensureEntry, ensureWorkspaceEntry, isCurrent };

if (require.main === module) {
  const root = process.argv[2] ?? join(PLUGIN, '../..');
  const changed = ensureEntry(root);
  console.log(`nx-stack: ${relative(root, desiredEntry(root).dir)} ${changed ? 'installed' : 'already current'} (a real folder: Nx uses the plugin as installed)`);
}
