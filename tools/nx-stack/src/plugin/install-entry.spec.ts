import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PACKAGE = join(__dirname, '../..');

interface InstallEntry {
  ensureEntry(root: string, plugin: string): boolean;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureEntry } = require(join(PACKAGE, 'install-entry.cjs')) as InstallEntry;

describe('install-entry: the plugin installed in node_modules as a real folder', () => {
  let root: string;
  let plugin: string;
  let entry: string;
  beforeEach(() => {
    // A workspace with the plugin in tools/nx-stack and npm's workspace symlink to it.
    root = mkdtempSync(join(tmpdir(), 'nx-stack-entry-'));
    plugin = join(root, 'tools/nx-stack');
    mkdirSync(join(plugin, 'executors'), { recursive: true });
    mkdirSync(join(plugin, 'src/executors/up'), { recursive: true });
    writeFileSync(join(plugin, 'package.json'), JSON.stringify({ name: '@paws360/nx-stack', version: '1.2.3', description: 'the plugin', main: './index.js', executors: './executors.json' }));
    writeFileSync(join(plugin, 'executors.json'), JSON.stringify({ executors: { up: { implementation: './executors/up.js', schema: './src/executors/up/schema.json' } } }));
    writeFileSync(join(plugin, 'executors/up.js'), "module.exports = () => 'up ran';\n");
    writeFileSync(join(plugin, 'src/executors/up/schema.json'), '{"properties":{}}\n');
    writeFileSync(join(plugin, 'index.js'), "module.exports = { name: 'the plugin' };\n");
    entry = join(root, 'node_modules/@paws360/nx-stack');
    mkdirSync(join(root, 'node_modules/@paws360'), { recursive: true });
    symlinkSync('../../tools/nx-stack', entry, 'dir');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const resolveFrom = (request: string) => execFileSync(process.execPath, ['-e', `process.stdout.write(require.resolve(${JSON.stringify(request)}))`], { cwd: root, encoding: 'utf8' });
  const load = (request: string, call = false) =>
    execFileSync(process.execPath, ['-e', `const m = require(${JSON.stringify(request)}); process.stdout.write(JSON.stringify(${call ? 'm()' : 'm'}))`], { cwd: root, encoding: 'utf8' });

  it("replaces npm's symlink with a real folder whose package resolves under node_modules, and leaves the plugin alone", () => {
    expect(ensureEntry(root, plugin)).toBe(true);
    expect(lstatSync(entry).isDirectory()).toBe(true);
    expect(lstatSync(entry).isSymbolicLink()).toBe(false);
    // The plugin's own files are untouched (removing the symlink must not follow it).
    expect(readFileSync(join(plugin, 'executors/up.js'), 'utf8')).toContain('up ran');
    // What Nx resolves: the package and its executors file stay under node_modules, real paths included.
    expect(resolveFrom('@paws360/nx-stack/package.json')).toBe(join(realpathSync(root), 'node_modules/@paws360/nx-stack/package.json'));
    expect(realpathSync(join(entry, 'executors.json'))).toBe(join(realpathSync(root), 'node_modules/@paws360/nx-stack/executors.json'));
    expect(JSON.parse(readFileSync(join(entry, 'package.json'), 'utf8'))).toMatchObject({ name: '@paws360/nx-stack', version: '1.2.3', main: './index.js', executors: './executors.json' });
    // The entry forwards to the plugin, and executor paths and schemas resolve through the links.
    expect(JSON.parse(load('@paws360/nx-stack'))).toEqual({ name: 'the plugin' });
    expect(JSON.parse(load(join(entry, 'executors/up.js'), true))).toBe('up ran');
    expect(existsSync(join(entry, 'src/executors/up/schema.json'))).toBe(true);
    expect(readlinkSync(join(entry, 'executors'))).toBe('../../../tools/nx-stack/executors');
  });

  it('does nothing when current, and rewrites what differs: a changed executors.json, an edited copy, a symlink npm put back', () => {
    expect(ensureEntry(root, plugin)).toBe(true);
    expect(ensureEntry(root, plugin)).toBe(false);

    // A new executor in the plugin (a pull without npm install): the copy follows on the next load.
    writeFileSync(join(plugin, 'executors.json'), JSON.stringify({ executors: { up: { implementation: './executors/up.js', schema: './src/executors/up/schema.json' }, down: { implementation: './executors/down.js', schema: './x.json' } } }));
    expect(ensureEntry(root, plugin)).toBe(true);
    expect(Object.keys(JSON.parse(readFileSync(join(entry, 'executors.json'), 'utf8')).executors)).toEqual(['up', 'down']);

    writeFileSync(join(entry, 'index.js'), 'module.exports = 1;\n');
    expect(ensureEntry(root, plugin)).toBe(true);
    expect(JSON.parse(load('@paws360/nx-stack'))).toEqual({ name: 'the plugin' });

    rmSync(entry, { recursive: true });
    symlinkSync('../../tools/nx-stack', entry, 'dir');
    expect(ensureEntry(root, plugin)).toBe(true);
    expect(lstatSync(entry).isSymbolicLink()).toBe(false);
    expect(existsSync(join(plugin, 'index.js'))).toBe(true);
  });

  it('processes that find it stale at once (the daemon and a command) all succeed and leave one current folder', async () => {
    const { execFile } = await import('node:child_process');
    const script = `process.stdout.write(String(require(${JSON.stringify(join(PACKAGE, 'install-entry.cjs'))}).ensureEntry(process.argv[1], process.argv[2])))`;
    const run = () =>
      new Promise<string>((resolve, reject) => execFile(process.execPath, ['-e', script, root, plugin], (error, stdout) => (error ? reject(error) : resolve(stdout))));
    const results = await Promise.all([run(), run(), run(), run()]);
    expect(results.every((r) => r === 'true' || r === 'false')).toBe(true);
    expect(lstatSync(entry).isDirectory()).toBe(true);
    expect(ensureEntry(root, plugin)).toBe(false);
    expect(execFileSync('ls', ['-a', join(root, 'node_modules/@paws360')], { encoding: 'utf8' }).split('\n').filter(Boolean)).toEqual(['.', '..', 'nx-stack']);
  }, 30_000);

  it('installs it where there was none, and leaves no temporary folder behind', () => {
    rmSync(join(root, 'node_modules'), { recursive: true });
    expect(ensureEntry(root, plugin)).toBe(true);
    expect(JSON.parse(load('@paws360/nx-stack'))).toEqual({ name: 'the plugin' });
    expect(readFileSync(join(entry, 'executors.json'), 'utf8')).toBe(readFileSync(join(plugin, 'executors.json'), 'utf8'));
    const siblings = execFileSync('ls', ['-a', join(root, 'node_modules/@paws360')], { encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(siblings).toEqual(['.', '..', 'nx-stack']);
  });
});
