import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STAGE_REPORT_ENV as PLUGIN_STAGE_REPORT_ENV } from '@paws360/nx-stack';
import { loadPipeline, nxArgs, parseArgs, STAGE_REPORT_ENV } from './pipeline';

const pipeline = { stages: ['lint', 'test', 'build', 'integration'], defaultBase: 'main', parallel: 2 };

describe('pipeline command', () => {
  it('runs every stage over every project by default', () => {
    expect(nxArgs(pipeline, parseArgs([]), {})).toEqual(['run-many', '-t', 'lint', 'test', 'build', 'integration', '--parallel=2']);
  });

  it('--affected uses the default base, or --base/--head, or NX_BASE/NX_HEAD', () => {
    expect(nxArgs(pipeline, parseArgs(['--affected']), {})).toEqual(['affected', '-t', 'lint', 'test', 'build', 'integration', '--base=main', '--parallel=2']);
    expect(nxArgs(pipeline, parseArgs(['--affected', '--base=origin/main', '--head=HEAD']), {})).toEqual([
      'affected', '-t', 'lint', 'test', 'build', 'integration', '--base=origin/main', '--head=HEAD', '--parallel=2',
    ]);
    expect(nxArgs(pipeline, parseArgs(['--affected']), { NX_BASE: 'abc', NX_HEAD: 'def' }).slice(-3, -1)).toEqual(['--base=abc', '--head=def']);
  });

  it('--affected with an explicit change set (--files, --uncommitted) adds no base, which nx would refuse', () => {
    expect(nxArgs(pipeline, parseArgs(['--affected', '--files=infrastructure/redis/x']), {})).toEqual([
      'affected', '-t', 'lint', 'test', 'build', 'integration', '--parallel=2', '--files=infrastructure/redis/x',
    ]);
    expect(nxArgs(pipeline, parseArgs(['--affected', '--uncommitted']), {})).not.toContainEqual(expect.stringMatching(/^--base/));
  });

  it('--stages picks stages, always in pipeline order; an unknown one is refused', () => {
    expect(nxArgs(pipeline, parseArgs(['--stages=test,lint']), {})).toEqual(['run-many', '-t', 'lint', 'test', '--parallel=2']);
    expect(() => nxArgs(pipeline, parseArgs(['--stages=lint,deploy']), {})).toThrow('unknown stage deploy: the pipeline has lint, test, build, integration');
  });

  it('other flags go to nx unchanged', () => {
    expect(nxArgs(pipeline, parseArgs(['--outputStyle=static', '--skip-nx-cache']), {}).slice(-2)).toEqual(['--outputStyle=static', '--skip-nx-cache']);
  });

  it('runs "parallel" tasks at once unless the command line sets --parallel', () => {
    expect(nxArgs({ ...pipeline, parallel: 3 }, parseArgs([]), {})).toContain('--parallel=3');
    const own = nxArgs(pipeline, parseArgs(['--parallel=1']), {});
    expect(own.filter((a) => a.startsWith('--parallel'))).toEqual(['--parallel=1']);
  });

  it('loadPipeline reads tools/ci/pipeline.json and rejects a malformed one', () => {
    const root = mkdtempSync(join(tmpdir(), 'pipeline-'));
    try {
      mkdirSync(join(root, 'tools/ci'), { recursive: true });
      writeFileSync(join(root, 'tools/ci/pipeline.json'), JSON.stringify({ stages: ['lint', 'test'] }));
      expect(loadPipeline(root)).toEqual({ stages: ['lint', 'test'], defaultBase: 'main', parallel: 2 });
      writeFileSync(join(root, 'tools/ci/pipeline.json'), JSON.stringify({ stages: ['lint'], parallel: 0 }));
      expect(() => loadPipeline(root)).toThrow('"parallel" must be a whole number of tasks, at least 1 (found 0)');
      writeFileSync(join(root, 'tools/ci/pipeline.json'), '{ "stages": ["lint"] "parallel": 2 }');
      expect(() => loadPipeline(root)).toThrow(/^tools\/ci\/pipeline.json is not valid JSON: /);
      writeFileSync(join(root, 'tools/ci/pipeline.json'), JSON.stringify({ stages: [] }));
      expect(() => loadPipeline(root)).toThrow('"stages" must be a non-empty list of target names');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('STAGE_REPORT_ENV', () => {
  it('is the variable the plugin reads to print the stage table', () => {
    expect(STAGE_REPORT_ENV).toBe(PLUGIN_STAGE_REPORT_ENV);
  });
});
