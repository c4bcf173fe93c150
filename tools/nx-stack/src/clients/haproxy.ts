import { httpText } from './http';

/** One server of an HAProxy backend, from the stats CSV. */
export interface BackendServer {
  backend: string;
  server: string;
  status: string;
  /** Seconds since the last status change. */
  lastChange: number | null;
  checkStatus: string;
  sessions: number;
}

/** Parses HAProxy's `/stats;csv`: one row per frontend, server and backend; returns the servers. */
export function parseStatsCsv(text: string): BackendServer[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0 || !lines[0].startsWith('# ')) throw new Error('not an HAProxy stats CSV');
  const header = lines[0].slice(2).split(',');
  const col = (name: string) => header.indexOf(name);
  const [px, sv, status, lastchg, checkStatus, scur] = ['pxname', 'svname', 'status', 'lastchg', 'check_status', 'scur'].map(col);
  return lines
    .slice(1)
    .map((line) => line.split(','))
    .filter((cells) => cells[sv] !== 'FRONTEND' && cells[sv] !== 'BACKEND')
    .map((cells) => ({
      backend: cells[px],
      server: cells[sv],
      status: cells[status],
      lastChange: cells[lastchg] ? Number(cells[lastchg]) : null,
      checkStatus: cells[checkStatus] ?? '',
      sessions: Number(cells[scur] ?? 0),
    }));
}

/** HAProxy's stats page on a published port, parsed. */
export async function fetchStats(port: number, timeoutMs = 1000): Promise<BackendServer[]> {
  return parseStatsCsv(await httpText(port, '/stats;csv', { timeoutMs }));
}

/** The servers HAProxy sends a backend's connections to right now. */
export const upServers = (servers: BackendServer[], backend: string) =>
  servers.filter((s) => s.backend === backend && s.status.startsWith('UP')).map((s) => s.server);
