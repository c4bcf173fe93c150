import { palette, type Palette } from '../core/colour';
import { renderTable } from '../core/table';
import type { ServiceHealth } from './kind';

const MARK = { healthy: '✓', unhealthy: '✗', unknown: '?' } as const;
const TINT = { healthy: 'green', unhealthy: 'red', unknown: 'yellow' } as const;

/** The health table of one or more services, ending with `N/M components healthy`; marks coloured on a terminal. */
export function renderHealth(results: ServiceHealth[], totalMs = Math.max(0, ...results.map((r) => r.durationMs)), colours: Palette = palette()): string {
  const rows = results.flatMap((r) =>
    r.components.map((c) => [colours[TINT[c.status]](MARK[c.status]), r.service, c.name, c.role, c.detail]),
  );
  const all = results.flatMap((r) => r.components);
  const healthy = all.filter((c) => c.status === 'healthy').length;
  return `${renderTable([' ', 'SERVICE', 'COMPONENT', 'ROLE', 'DETAIL'], rows)}\n${summaryLine(healthy, all.length, totalMs)}`;
}

export const summaryLine = (healthy: number, total: number, ms: number) =>
  `${healthy}/${total} components healthy (${ms} ms)`;
