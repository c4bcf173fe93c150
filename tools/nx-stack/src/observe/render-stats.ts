import type { Palette } from '../core/colour';
import { renderTable } from '../core/table';
import { humanBytes, type StackStats } from './stats';

/** The stats table: one row per container, a total row, then the warnings. */
export function renderStats(stats: StackStats, palette: Palette): string {
  const memory = (used: number, limit: number) => (limit > 0 ? `${humanBytes(used)} / ${humanBytes(limit)}` : humanBytes(used));
  const rows = stats.containers.map((c) => [
    c.name,
    c.state === 'running' ? `${c.cpuPercent.toFixed(1)}%` : palette.dim(c.state),
    memory(c.memoryBytes, c.memoryLimitBytes),
    `${humanBytes(c.networkRxBytes)} / ${humanBytes(c.networkTxBytes)}`,
    `${humanBytes(c.blockReadBytes)} / ${humanBytes(c.blockWriteBytes)}`,
    String(c.pids),
  ]);
  const t = stats.total;
  rows.push([
    palette.bold(`total (${stats.containers.length})`),
    palette.bold(`${t.cpuPercent.toFixed(1)}%`),
    palette.bold(memory(t.memoryBytes, stats.engine.memoryBytes)),
    palette.bold(`${humanBytes(t.networkRxBytes)} / ${humanBytes(t.networkTxBytes)}`),
    palette.bold(`${humanBytes(t.blockReadBytes)} / ${humanBytes(t.blockWriteBytes)}`),
    palette.bold(String(t.pids)),
  ]);
  const table = renderTable(['CONTAINER', 'CPU', 'MEMORY / LIMIT', 'NET RX / TX', 'BLOCK READ / WRITE', 'PIDS'], rows);
  const warnings = stats.warnings.map((w) => palette.yellow(`⚠ ${w}`));
  return [table, ...warnings].join('\n');
}
