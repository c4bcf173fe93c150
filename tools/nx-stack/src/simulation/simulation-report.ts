import { renderTable } from '../core/table';
import type { Timeline } from './timeline';

export interface SimulationCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface SimulationReport {
  scenario: string;
  service: string;
  timeline: Timeline;
  /** Measured numbers, e.g. failoverSeconds, ackedWrites, lostWrites. */
  measurements: Record<string, number | string>;
  checks: SimulationCheck[];
}

export const passed = (report: SimulationReport) => report.checks.length > 0 && report.checks.every((c) => c.ok);

export function renderReport(report: SimulationReport): string {
  const measurements = renderTable(
    ['MEASUREMENT', 'VALUE'],
    Object.entries(report.measurements).map(([k, v]) => [k, typeof v === 'number' ? String(Math.round(v * 1000) / 1000) : v]),
  );
  const checks = report.checks.map((c) => `  ${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`).join('\n');
  const verdict = passed(report) ? 'PASSED' : 'FAILED';
  return [
    `${report.service} ${report.scenario}`,
    'timeline:',
    report.timeline.render(),
    '',
    measurements,
    '',
    'checks:',
    checks,
    '',
    `${report.service} ${report.scenario}: ${verdict} (${report.checks.filter((c) => c.ok).length}/${report.checks.length} checks)`,
  ].join('\n');
}

/** The report as one line of JSON (for --json, the benchmark and tests). */
export function reportJson(report: SimulationReport): string {
  return JSON.stringify({
    scenario: report.scenario,
    service: report.service,
    passed: passed(report),
    measurements: report.measurements,
    checks: report.checks,
    timeline: report.timeline.events,
  });
}

/** Prints the report (one JSON line with --json, else the readable form); whether it passed. */
export function printReport(log: (line: string) => void, report: SimulationReport, json: boolean): boolean {
  log(json ? reportJson(report) : renderReport(report));
  return passed(report);
}
