import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderStageTable, stageRows, writeStageReport, type TaskOutcome } from './stage-report';

const outcome = (id: string, status: string, start: number, end: number, cache = true): TaskOutcome => {
  const [project, target] = id.split(':');
  return { task: { id, target: { project, target }, startTime: start, endTime: end, cache }, status, code: status === 'failure' ? 1 : 0 };
};

const results = {
  'api:lint': outcome('api:lint', 'local-cache', 1000, 1100),
  'api:test': outcome('api:test', 'success', 1100, 4100),
  'etcd:image': outcome('etcd:image', 'remote-cache', 1050, 1060),
  'etcd:integration': outcome('etcd:integration', 'failure', 4100, 64100, false),
  'etcd:deploy': outcome('etcd:deploy', 'skipped', 0, 0, false),
};

describe('stage report', () => {
  it('one row per task, in start order, with status, duration and where the result came from', () => {
    const rows = stageRows(results);
    expect(rows.map((r) => `${r.project}:${r.stage}`)).toEqual(['etcd:deploy', 'api:lint', 'etcd:image', 'api:test', 'etcd:integration']);
    const byId = Object.fromEntries(rows.map((r) => [`${r.project}:${r.stage}`, r]));
    expect(byId['api:lint']).toMatchObject({ status: 'success', cache: 'hit (local)', durationMs: 100 });
    expect(byId['etcd:image']).toMatchObject({ status: 'success', cache: 'hit (remote)' });
    expect(byId['api:test']).toMatchObject({ status: 'success', cache: 'miss', durationMs: 3000 });
    expect(byId['etcd:integration']).toMatchObject({ status: 'failure', cache: 'not cacheable', durationMs: 60000 });
    expect(byId['etcd:deploy']).toMatchObject({ status: 'skipped', durationMs: 0 });
  });

  it('the table ends with a count of successes, failures and cache hits', () => {
    const text = renderStageTable(stageRows(results), 63_100);
    expect(text.split('\n')[0]).toMatch(/^\s+PROJECT\s+STAGE\s+STATUS\s+DURATION\s+CACHE$/);
    expect(text).toMatch(/✗\s+etcd\s+integration\s+failure\s+60\.0s\s+not cacheable/);
    expect(text.split('\n').pop()).toBe('5 tasks: 3 succeeded, 1 failed, 2 from cache, 63.1s in all');
  });

  it('writes stages.json and timings.csv under dist/ci', () => {
    const root = mkdtempSync(join(tmpdir(), 'stage-report-'));
    try {
      writeStageReport(root, results, 1000, 64100);
      const json = JSON.parse(readFileSync(join(root, 'dist/ci/stages.json'), 'utf8'));
      expect(json.durationMs).toBe(63100);
      expect(json.stages).toHaveLength(5);
      const csv = readFileSync(join(root, 'dist/ci/timings.csv'), 'utf8').trim().split('\n');
      expect(csv[0]).toBe('project,stage,status,duration_ms,cache,started_at');
      expect(csv).toContainEqual(expect.stringMatching(/^api,test,success,3000,miss,1970-01-01T00:00:01\.100Z$/));
      expect(csv).toHaveLength(6);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
