import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderTable } from '../core/table';

/** The part of Nx's TaskResult the report reads (kept structural so specs need no Nx runtime). */
export interface TaskOutcome {
  task: { id: string; target: { project: string; target: string }; startTime?: number; endTime?: number; cache?: boolean };
  status: string;
  code: number;
}

export interface StageRow {
  project: string;
  stage: string;
  status: 'success' | 'failure' | 'skipped' | 'stopped';
  durationMs: number;
  /** Where the result came from: run now, local cache, remote cache, or not cacheable. */
  cache: 'hit (local)' | 'hit (remote)' | 'miss' | 'not cacheable';
  startedAt?: string;
}

/** Env var the pipeline runner sets: only then does a task run write a report. */
export const STAGE_REPORT_ENV = 'PAWS360_STAGE_REPORT';
export const ARTIFACTS_DIR = 'dist/ci';

export function stageRows(results: Record<string, TaskOutcome>): StageRow[] {
  return Object.values(results)
    .map(({ task, status }): StageRow => {
      const fromCache = status === 'local-cache' || status === 'local-cache-kept-existing' || status === 'remote-cache';
      return {
        project: task.target.project,
        stage: task.target.target,
        status: fromCache ? 'success' : (status as StageRow['status']),
        durationMs: task.startTime && task.endTime ? Math.max(0, task.endTime - task.startTime) : 0,
        cache: status === 'remote-cache' ? 'hit (remote)' : fromCache ? 'hit (local)' : task.cache === false ? 'not cacheable' : 'miss',
        startedAt: task.startTime ? new Date(task.startTime).toISOString() : undefined,
      };
    })
    .sort((a, b) => (a.startedAt ?? '').localeCompare(b.startedAt ?? '') || a.project.localeCompare(b.project));
}

export function renderStageTable(rows: StageRow[], totalMs: number): string {
  const mark = { success: '✓', failure: '✗', skipped: '-', stopped: '■' } as const;
  const table = renderTable(
    [' ', 'PROJECT', 'STAGE', 'STATUS', 'DURATION', 'CACHE'],
    rows.map((r) => [mark[r.status] ?? '?', r.project, r.stage, r.status, `${(r.durationMs / 1000).toFixed(1)}s`, r.cache]),
  );
  const hits = rows.filter((r) => r.cache.startsWith('hit')).length;
  const failed = rows.filter((r) => r.status === 'failure').length;
  return `${table}\n${rows.length} tasks: ${rows.length - failed - rows.filter((r) => r.status !== 'success' && r.status !== 'failure').length} succeeded, ${failed} failed, ${hits} from cache, ${(totalMs / 1000).toFixed(1)}s in all`;
}

const csv = (value: string | number | undefined) => {
  const text = String(value ?? '');
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** Writes dist/ci/stages.json and dist/ci/timings.csv and returns the table text. */
export function writeStageReport(workspaceRoot: string, results: Record<string, TaskOutcome>, startTime: number, endTime: number): string {
  const rows = stageRows(results);
  const dir = join(workspaceRoot, ARTIFACTS_DIR);
  mkdirSync(dir, { recursive: true });
  const totalMs = Math.max(0, endTime - startTime);
  writeFileSync(
    join(dir, 'stages.json'),
    JSON.stringify({ startedAt: new Date(startTime).toISOString(), durationMs: totalMs, stages: rows }, null, 2) + '\n',
  );
  writeFileSync(
    join(dir, 'timings.csv'),
    ['project,stage,status,duration_ms,cache,started_at', ...rows.map((r) => [r.project, r.stage, r.status, r.durationMs, r.cache, r.startedAt].map(csv).join(','))].join('\n') + '\n',
  );
  return renderStageTable(rows, totalMs);
}
