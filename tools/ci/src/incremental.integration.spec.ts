import { integrationInputs } from '@paws360/nx-stack/api';
import { execa } from 'execa';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Nx's cache and task ordering doing what the pipeline relies on, on a small
 * temp workspace with the workspace's own Nx: a second run is replayed from
 * cache, a lint error stops that project's tests, and after a fix only the
 * tasks whose inputs changed run again.
 */
const repoRoot = resolve(__dirname, '../../..');
let ws: string;

const LINT = `const fs = require('fs');
const text = fs.readFileSync(process.argv[2], 'utf8');
if (text.includes('LINT_ERROR')) { console.error(process.argv[2] + ': lint error'); process.exit(1); }
console.log('lint ok');`;
const TEST = `const fs = require('fs');
const [n] = fs.readFileSync(process.argv[2], 'utf8').match(/\\d+/) ?? ['0'];
fs.mkdirSync(process.argv[3], { recursive: true });
fs.writeFileSync(process.argv[3] + '/result.txt', 'tested ' + n + '\\n');
console.log('test ok');`;

function project(name: string) {
  mkdirSync(join(ws, name, 'src'), { recursive: true });
  writeFileSync(join(ws, name, 'src', 'main.txt'), `${name} 1\n`);
  writeFileSync(
    join(ws, name, 'project.json'),
    JSON.stringify({
      name,
      targets: {
        lint: { command: `node tools/lint.js ${name}/src/main.txt` },
        test: { command: `node tools/test.js ${name}/src/main.txt dist/${name}`, outputs: [`{workspaceRoot}/dist/${name}`] },
      },
    }),
  );
}

/**
 * Runs `nx run-many -t <targets>` in a fixture workspace; returns the exit
 * code, the output and each task's fate as Nx reports it (ran, cached, not run).
 */
async function runMany(cwd: string, targets: string[], tasks: string[]) {
  const result = await execa(join(repoRoot, 'node_modules/.bin/nx'), ['run-many', '-t', ...targets, '--outputStyle=static'], {
    cwd,
    // Only these: nothing of the Nx run this spec runs in (NX_SKIP_NX_CACHE under --skip-nx-cache,
    // its invocation root, its task ids) may leak into the fixture's own Nx.
    env: { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_ISOLATE_PLUGINS: 'false', CI: 'true', FORCE_COLOR: '0', PATH: process.env.PATH, HOME: process.env.HOME },
    extendEnv: false,
    reject: false,
    all: true,
  });
  const output = result.all ?? '';
  const fate = (task: string) => {
    const line = output.split('\n').find((l) => new RegExp(`> nx run ${task}\\b`).test(l));
    return !line ? 'not run' : /cache/.test(line) ? 'cached' : 'ran';
  };
  return { exitCode: result.exitCode, output, fates: Object.fromEntries(tasks.map((t) => [t, fate(t)])) };
}

const pipeline = () => runMany(ws, ['lint', 'test'], ['a:lint', 'a:test', 'b:lint', 'b:test']);

beforeAll(() => {
  ws = mkdtempSync(join(tmpdir(), 'pipeline-ws-'));
  symlinkSync(join(repoRoot, 'node_modules'), join(ws, 'node_modules'), 'dir');
  writeFileSync(join(ws, 'package.json'), JSON.stringify({ name: 'pipeline-fixture', private: true }));
  writeFileSync(join(ws, '.gitignore'), 'node_modules\ndist\n.nx\n');
  writeFileSync(
    join(ws, 'nx.json'),
    JSON.stringify({
      namedInputs: { default: ['{projectRoot}/**/*'] },
      targetDefaults: {
        lint: { cache: true, inputs: ['default', '{workspaceRoot}/tools/lint.js'] },
        test: { cache: true, dependsOn: ['lint'], inputs: ['default', '{workspaceRoot}/tools/test.js'] },
      },
    }),
  );
  mkdirSync(join(ws, 'tools'));
  writeFileSync(join(ws, 'tools', 'lint.js'), LINT);
  writeFileSync(join(ws, 'tools', 'test.js'), TEST);
  project('a');
  project('b');
});

afterAll(() => rmSync(ws, { recursive: true, force: true }));

describe('the pipeline on a small workspace', () => {
  it('first run executes every task; the second replays every task from the cache', async () => {
    const first = await pipeline();
    expect(first.exitCode).toBe(0);
    expect(first.fates).toEqual({ 'a:lint': 'ran', 'a:test': 'ran', 'b:lint': 'ran', 'b:test': 'ran' });

    rmSync(join(ws, 'dist'), { recursive: true, force: true });
    const second = await pipeline();
    expect(second.exitCode).toBe(0);
    expect(second.fates).toEqual({ 'a:lint': 'cached', 'a:test': 'cached', 'b:lint': 'cached', 'b:test': 'cached' });
    // Outputs are restored from the cache too.
    expect(readFileSync(join(ws, 'dist/a/result.txt'), 'utf8')).toBe('tested 1\n');
  });

  it('a lint error fails lint and the project’s tests do not run; the other project is untouched', async () => {
    writeFileSync(join(ws, 'a', 'src', 'main.txt'), 'a 1 LINT_ERROR\n');
    const broken = await pipeline();
    expect(broken.exitCode).not.toBe(0);
    expect(broken.output).toContain('a/src/main.txt: lint error');
    expect(broken.fates['a:lint']).toBe('ran');
    expect(broken.fates['a:test']).toBe('not run');
    expect(broken.fates['b:lint']).toBe('cached');
  });

  it('after the fix only the tasks whose inputs changed run again', async () => {
    writeFileSync(join(ws, 'a', 'src', 'main.txt'), 'a 2\n');
    const fixed = await pipeline();
    expect(fixed.exitCode).toBe(0);
    expect(fixed.fates).toEqual({ 'a:lint': 'ran', 'a:test': 'ran', 'b:lint': 'cached', 'b:test': 'cached' });
  });
});

/**
 * The plugin's integration targets are cached by their real inputs: on a
 * temp workspace with two services (b depends on a) whose `integration`
 * targets carry exactly the inputs the plugin infers, a stand-in suite is
 * replayed from cache, reruns when its own or a dependency's files change
 * (a's Dockerfile reruns a and b, b's reruns only b), and a failure is never
 * replayed as a pass.
 */
describe('integration results cached by their real inputs', () => {
  let sws: string;
  const SUITE = `const fs = require('fs');
const text = fs.readFileSync(process.argv[2] + '/Dockerfile', 'utf8');
fs.mkdirSync('dist/test-results/' + process.argv[3], { recursive: true });
fs.writeFileSync('dist/test-results/' + process.argv[3] + '/integration.xml', '<testsuites/>');
if (text.includes('BROKEN')) { console.error(process.argv[3] + ': suite failed'); process.exit(1); }
console.log(process.argv[3] + ': suite passed');`;

  const service = (name: string, deps: string[]) => {
    mkdirSync(join(sws, 'infrastructure', name, 'integration'), { recursive: true });
    writeFileSync(join(sws, 'infrastructure', name, 'Dockerfile'), `FROM debian:bookworm-slim\n# ${name} 1\n`);
    writeFileSync(join(sws, 'infrastructure', name, 'integration', 'x.integration.spec.ts'), `// ${name}\n`);
    writeFileSync(
      join(sws, 'infrastructure', name, 'project.json'),
      JSON.stringify({
        name,
        implicitDependencies: deps,
        targets: {
          integration: {
            command: `node tools/suite.js infrastructure/${name} ${name}`,
            cache: true,
            // The same inputs `createNodes` gives every service's integration target.
            inputs: integrationInputs(),
            outputs: [`{workspaceRoot}/dist/test-results/${name}/integration.xml`],
          },
        },
      }),
    );
  };

  async function suites() {
    const { exitCode, output, fates } = await runMany(sws, ['integration'], ['a:integration', 'b:integration']);
    return { exitCode, output, fates: { a: fates['a:integration'], b: fates['b:integration'] } };
  }

  beforeAll(() => {
    sws = mkdtempSync(join(tmpdir(), 'integration-ws-'));
    symlinkSync(join(repoRoot, 'node_modules'), join(sws, 'node_modules'), 'dir');
    writeFileSync(join(sws, 'package.json'), JSON.stringify({ name: 'integration-fixture', private: true }));
    writeFileSync(join(sws, '.gitignore'), 'node_modules\ndist\n.nx\n');
    writeFileSync(
      join(sws, 'nx.json'),
      JSON.stringify({ namedInputs: { default: ['{projectRoot}/**/*'], production: ['default', '!{projectRoot}/integration/**/*', '!{projectRoot}/**/*.md'] } }),
    );
    mkdirSync(join(sws, 'tools'));
    writeFileSync(join(sws, 'tools', 'suite.js'), SUITE);
    service('a', []);
    service('b', ['a']);
  });
  afterAll(() => rmSync(sws, { recursive: true, force: true }));

  it('a second run is served from the cache; a README edit changes nothing', async () => {
    expect((await suites()).fates).toEqual({ a: 'ran', b: 'ran' });
    writeFileSync(join(sws, 'infrastructure', 'a', 'README.md'), 'docs only\n');
    const again = await suites();
    expect(again.exitCode).toBe(0);
    expect(again.fates).toEqual({ a: 'cached', b: 'cached' });
  });

  it('a dependency’s Dockerfile change reruns its suite and its dependents’; a dependent’s change reruns only its own', async () => {
    writeFileSync(join(sws, 'infrastructure', 'a', 'Dockerfile'), 'FROM debian:bookworm-slim\n# a 2\n');
    expect((await suites()).fates).toEqual({ a: 'ran', b: 'ran' });
    writeFileSync(join(sws, 'infrastructure', 'b', 'integration', 'x.integration.spec.ts'), '// b 2\n');
    expect((await suites()).fates).toEqual({ a: 'cached', b: 'ran' });
  });

  it('a failed suite is never replayed as a pass: it runs (and fails) again until fixed', async () => {
    writeFileSync(join(sws, 'infrastructure', 'b', 'Dockerfile'), 'FROM debian:bookworm-slim\n# BROKEN\n');
    const failed = await suites();
    expect(failed.exitCode).not.toBe(0);
    expect(failed.fates.b).toBe('ran');
    const again = await suites();
    expect(again.exitCode).not.toBe(0);
    expect(again.fates.b).toBe('ran');
    expect(again.output).toContain('b: suite failed');
  });
});
