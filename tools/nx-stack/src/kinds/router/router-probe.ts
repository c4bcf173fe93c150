import { Client } from 'pg';
import { absentMember } from '../members';
import type { ComponentHealth, InspectReport, MemberView, ProbeContext, ServiceProbe } from '../kind';

export const LEADER_PORT = 'leader';
export const REPLICAS_PORT = 'replicas';
export const STATS_PORT = 'stats';
export const SUPERUSER_PASSWORD = 'POSTGRES_SUPERUSER_PASSWORD';
const CONNECT_TIMEOUT_MS = 1500;

export interface PgTarget {
  port: number;
  password: string;
  user?: string;
  database?: string;
}

/** A pg client on a port published on 127.0.0.1, with short timeouts (a probe, or a simulation's writer). */
export function pgClient(target: PgTarget, options: { queryTimeoutMs?: number; applicationName?: string } = {}): Client {
  return new Client({
    host: '127.0.0.1',
    port: target.port,
    user: target.user ?? 'postgres',
    password: target.password,
    database: target.database ?? 'postgres',
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    query_timeout: options.queryTimeoutMs ?? 2000,
    application_name: options.applicationName ?? 'paws360-router-probe',
  });
}

export interface SqlAnswer {
  inRecovery: boolean;
  /** The Patroni member that answered, when PostgreSQL can tell (a replica's primary_conninfo names it). */
  member?: string;
}

/**
 * One real SQL round trip through a port: connect, ask whether the server is
 * in recovery (a replica) and, on a replica, which member it is (Patroni puts
 * application_name=<member> into its primary_conninfo).
 */
export async function askServer(target: PgTarget): Promise<SqlAnswer> {
  const client = pgClient(target);
  // A connection that dies later (the server going away) must not crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
    const result = await client.query<{ in_recovery: boolean; conninfo: string | null }>(
      `select pg_is_in_recovery() as in_recovery,
              case when pg_is_in_recovery() then current_setting('primary_conninfo', true) end as conninfo`,
    );
    const row = result.rows[0];
    const member = /application_name=([^\s']+)/.exec(row.conninfo ?? '')?.[1];
    return { inRecovery: row.in_recovery, member };
  } finally {
    await client.end().catch(() => undefined);
  }
}

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

export async function fetchStats(port: number, timeoutMs = 1000): Promise<BackendServer[]> {
  const url = `http://127.0.0.1:${port}/stats;csv`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`no answer from ${url} (${cause?.code ?? cause?.message ?? (error as Error).message})`);
  }
  const text = await response.text();
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${text.slice(0, 200)}`);
  return parseStatsCsv(text);
}

/** The servers HAProxy sends a backend's connections to right now. */
export const upServers = (servers: BackendServer[], backend: string) =>
  servers.filter((s) => s.backend === backend && s.status.startsWith('UP')).map((s) => s.server);

/** HAProxy's listen sections (haproxy.cfg.tmpl): 5432 → primary, 5433 → replicas. */
export const PRIMARY_BACKEND = 'primary';
export const REPLICAS_BACKEND = 'replicas';

interface RouterState {
  view: MemberView;
  leader: SqlAnswer | Error;
  replicas: SqlAnswer | Error;
  stats: BackendServer[] | Error;
}

const settle = <T>(promise: Promise<T>): Promise<T | Error> => promise.catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));

async function routerState(ctx: ProbeContext, view: MemberView): Promise<RouterState> {
  const password = ctx.secret(SUPERUSER_PASSWORD);
  const [leader, replicas, stats] = await Promise.all([
    settle(askServer({ port: view.hostPorts[LEADER_PORT], password })),
    settle(askServer({ port: view.hostPorts[REPLICAS_PORT], password })),
    settle(fetchStats(view.hostPorts[STATS_PORT])),
  ]);
  return { view, leader, replicas, stats };
}

const errorText = (error: Error) => error.message.split('\n')[0];

/**
 * Healthy: a real query through the leader port lands on a server that is not
 * in recovery (read-write), one through the replicas port on a server that is
 * (read-only). The detail names the member each port reached, from HAProxy's
 * stats (the UP servers of each backend) and the replica's own primary_conninfo.
 */
async function health(ctx: ProbeContext): Promise<ComponentHealth[]> {
  return Promise.all(
    ctx.members.map(async (view): Promise<ComponentHealth> => {
      const absent = absentMember(view);
      if (absent) return absent;
      const { leader, replicas, stats } = await routerState(ctx, view);
      const leaderPort = view.hostPorts[LEADER_PORT];
      const replicasPort = view.hostPorts[REPLICAS_PORT];
      const primaryUp = stats instanceof Error ? undefined : upServers(stats, PRIMARY_BACKEND);
      const replicasUp = stats instanceof Error ? undefined : upServers(stats, REPLICAS_BACKEND);
      const problems: string[] = [];
      const parts: string[] = [];

      if (leader instanceof Error) problems.push(`leader port ${leaderPort}: ${errorText(leader)}`);
      else if (leader.inRecovery) problems.push(`leader port ${leaderPort} reaches a read-only server (in recovery)`);
      else parts.push(`${leaderPort} → ${primaryUp?.length ? primaryUp.join(', ') : '?'} (read-write)`);

      if (replicas instanceof Error) problems.push(`replicas port ${replicasPort}: ${errorText(replicas)}`);
      else if (!replicas.inRecovery) problems.push(`replicas port ${replicasPort} reaches a writable server (not in recovery)`);
      else parts.push(`${replicasPort} → ${replicas.member ?? '?'} (read-only; pool ${replicasUp?.join(', ') || '?'})`);

      if (stats instanceof Error) parts.push(`stats: ${errorText(stats)}`);
      else if (primaryUp && primaryUp.length > 1) problems.push(`${primaryUp.length} servers UP in the primary backend (${primaryUp.join(', ')})`);

      const detail = [...problems, ...parts].join('; ');
      return { name: view.containerName, status: problems.length ? 'unhealthy' : 'healthy', role: 'router', detail };
    }),
  );
}

async function inspect(ctx: ProbeContext): Promise<InspectReport> {
  const states = await Promise.all(ctx.members.filter((v) => v.running).map((view) => routerState(ctx, view)));
  const rows: InspectReport['rows'] = [];
  const facts: Record<string, unknown> = {};
  for (const { view, leader, replicas, stats } of states) {
    if (stats instanceof Error) {
      rows.push({ router: view.containerName, backend: null, server: null, status: errorText(stats), check: null, lastChange: null, sessions: null });
    } else {
      for (const s of stats) {
        rows.push({
          router: view.containerName,
          backend: s.backend,
          server: s.server,
          status: s.status,
          check: s.checkStatus,
          lastChange: s.lastChange === null ? null : `${s.lastChange}s ago`,
          sessions: s.sessions,
        });
      }
    }
    facts[view.containerName] = {
      leaderPort: `127.0.0.1:${view.hostPorts[LEADER_PORT]}`,
      leaderPortReadWrite: leader instanceof Error ? errorText(leader) : !leader.inRecovery,
      replicasPort: `127.0.0.1:${view.hostPorts[REPLICAS_PORT]}`,
      replicasPortReadOnly: replicas instanceof Error ? errorText(replicas) : replicas.inRecovery,
      replicaReached: replicas instanceof Error ? null : (replicas.member ?? null),
      stats: `http://127.0.0.1:${view.hostPorts[STATS_PORT]}/stats`,
    };
  }
  for (const view of ctx.members.filter((v) => !v.running)) {
    facts[view.containerName] = view.container ? `container ${view.container.state}` : 'no container (run up)';
  }
  return {
    service: ctx.service.name,
    columns: ['router', 'backend', 'server', 'status', 'check', 'lastChange', 'sessions'],
    rows,
    facts,
  };
}

export const routerProbe: ServiceProbe = { health, inspect };
