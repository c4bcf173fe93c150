import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { loadPipeline, nxArgs, parseArgs } from './pipeline';

const root = resolve(__dirname, '../../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const RUNNER = 'node --require @swc-node/register tools/ci/src/run-pipeline.ts';

interface Step {
  name?: string;
  run?: string;
  uses?: string;
}

const workflow = parse(read('.github/workflows/ci.yml')) as { jobs: Record<string, { steps: Step[] }> };
const runSteps = Object.values(workflow.jobs).flatMap((job) => job.steps.filter((s) => s.run).map((s) => s.run!.trim()));
/** Steps that prepare the machine or report; everything else must be the pipeline itself. */
const SETUP = [
  'bash tools/provision/docker-engine.sh',
  'bash tools/provision/browser.sh',
  'bash tools/provision/podman.sh',
  'npm ci --no-audit --no-fund',
  'node tools/ci/test-summary.mjs',
];
const isPipeline = (command: string) => /^npm (test|run ci)( -- .*)?$/.test(command);

describe('the pipeline is defined once', () => {
  it('npm test and npm run ci both run the pipeline runner', () => {
    const scripts = JSON.parse(read('package.json')).scripts;
    expect(scripts.test).toBe(RUNNER);
    expect(scripts.ci).toBe(RUNNER);
  });

  it('GitHub Actions runs nothing but setup steps and the same pipeline command as a developer', () => {
    const other = runSteps.filter((command) => !SETUP.includes(command) && !isPipeline(command));
    expect(other).toEqual([]);
    expect(runSteps.filter(isPipeline).length).toBeGreaterThan(0);
    // No stage command of its own: never nx or jest directly.
    for (const command of runSteps) expect(command).not.toMatch(/\b(nx|jest)\b/);
  });

  it('the workflow provisions the engine and installs exactly as .ci/run does', () => {
    const ciRun = read('.ci/run');
    expect(ciRun).toContain('bash tools/provision/docker-engine.sh');
    expect(ciRun).toContain('npm ci --no-audit --no-fund');
    expect(runSteps).toEqual(
      expect.arrayContaining(['bash tools/provision/docker-engine.sh', 'bash tools/provision/browser.sh', 'bash tools/provision/podman.sh', 'npm ci --no-audit --no-fund']),
    );
    expect(ciRun).toContain('bash tools/provision/browser.sh');
    expect(ciRun).toContain('bash tools/provision/podman.sh');
  });

  it('.ci/run runs the README test command', () => {
    expect(read('README.md')).toMatch(/```sh\nnpm ci && npm start[^\n]*\nnpm test\b/);
    expect(read('.ci/run')).toMatch(/^npm test\b/m);
  });

  it('every pipeline command in the workflow expands to the stages of tools/ci/pipeline.json', () => {
    const pipeline = loadPipeline(root);
    for (const command of runSteps.filter(isPipeline)) {
      const extra = command.replace(/^npm (test|run ci)( -- )?/, '').split(/\s+/).filter(Boolean);
      const args = nxArgs(pipeline, parseArgs(extra), {});
      expect(args.slice(0, 2 + pipeline.stages.length).slice(2)).toEqual(pipeline.stages);
    }
  });
});

describe('stage order comes from dependsOn', () => {
  const nxJson = JSON.parse(read('nx.json'));

  it('test after lint, build after test, typecheck and the dependencies’ builds', () => {
    expect(nxJson.targetDefaults.test.dependsOn).toEqual(['lint']);
    expect(nxJson.targetDefaults.build.dependsOn).toEqual(expect.arrayContaining(['test', '^build']));
  });

  it('pure stages are cached with precise inputs; the production input leaves specs and docs out', () => {
    for (const stage of ['lint', 'test', 'build']) expect(nxJson.targetDefaults[stage].cache).toBe(true);
    expect(nxJson.namedInputs.production).toEqual(expect.arrayContaining(['!{projectRoot}/**/*.spec.ts', '!{projectRoot}/**/*.md']));
    expect(nxJson.targetDefaults.build.inputs).toEqual(['production', '^production']);
  });
});
