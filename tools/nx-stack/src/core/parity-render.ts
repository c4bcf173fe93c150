import { palette as makePalette, type Palette } from './colour';
import type { Finding, ParityReport } from './parity-compare';
import { showValue } from './parity-values';
import { renderTable } from './table';

/** The status mark of a finding: ✓ same (or accepted on purpose), ⚠ a warning or info difference, ✗ a critical one. */
export function statusMark(finding: Finding): '✓' | '⚠' | '✗' | '?' {
  switch (finding.status) {
    case 'match':
    case 'accepted':
      return '✓';
    case 'unread':
      return '?';
    default:
      return finding.severity === 'critical' ? '✗' : '⚠';
  }
}

function localCell(f: Finding): string {
  const layers = f.layers;
  if (f.status === 'drift' && layers) {
    const parts = (['live', 'runtime', 'declared'] as const).filter((l) => layers[l] !== undefined).map((l) => `${l} ${showValue(layers[l])}`);
    return `${parts.join(' ≠ ')}`;
  }
  if (f.status === 'unread') return `- (${f.reason})`;
  return showValue(f.local);
}

function statusCell(f: Finding, p: Palette): string {
  const mark = statusMark(f);
  const word = f.status === 'match' ? mark : `${mark} ${f.status}`;
  if (f.status === 'match') return p.green(word);
  if (f.status === 'accepted') return p.green(word);
  if (f.status === 'unread') return p.dim(word);
  return f.severity === 'critical' ? p.red(word) : p.yellow(word);
}

const fixCell = (f: Finding) => (f.status === 'accepted' ? `accepted: ${f.reason}` : (f.fix ?? ''));

/** One summary line: counts per severity, accepted, unread, the score. */
export function paritySummaryLine(report: ParityReport, durationMs?: number): string {
  const s = report.summary;
  const parts = [
    `${s.compared} compared`,
    `${s.critical} critical`,
    `${s.warning} warning${s.warning === 1 ? '' : 's'}`,
    `${s.info} info`,
    `${s.accepted} accepted`,
    `${s.drift} drift`,
  ];
  if (s.unread) parts.push(`${s.unread} unread${report.notRunning.length ? ` (not running: ${report.notRunning.join(', ')})` : ''}`);
  const time = durationMs === undefined ? '' : ` (${durationMs} ms)`;
  return `${report.stack} vs ${report.target}: ${parts.join(' · ')} — parity ${s.score}/100${time}`;
}

/** The table (component, parameter, local, target, status, severity, fix) and the summary line; colour on a terminal. */
export function renderParity(report: ParityReport, options: { durationMs?: number; palette?: Palette } = {}): string {
  const p = options.palette ?? makePalette();
  const rows = report.findings.map((f) => [f.service, f.parameter, localCell(f), showValue(f.target), statusCell(f, p), f.severity, fixCell(f)]);
  const table = renderTable(['COMPONENT', 'PARAMETER', 'LOCAL', 'TARGET', 'STATUS', 'SEVERITY', 'FIX'], rows);
  const line = paritySummaryLine(report, options.durationMs);
  const s = report.summary;
  return `${table}\n${s.critical ? p.red(line) : s.warning ? p.yellow(line) : p.green(line)}`;
}
