import { fetchStats, upServers, type BackendServer } from '../../clients/haproxy';
import { askServer, type SqlAnswer } from '../../clients/postgres';
import { errorText } from '../../core/errors';
import { absentMember } from '../members';
import type { ComponentHealth, InspectReport, MemberView, ProbeContext, ServiceProbe } from '../kind';

export const LEADER_PORT = 'leader';
export const REPLICAS_PORT = 'replicas';
export const STATS_PORT = 'stats';
export const SUPERUSER_PASSWORD = 'POSTGRES_SUPERUSER_PASSWORD';

export const ROUTER_ROLES = ['router'] as const;
export type RouterRole = (typeof ROUTER_ROLES)[number];

/** HAProxy's listen sections (haproxy.cfg.tmpl): 5432 → primary, 5433 → replicas. */
export const PRIMARY_BACKEND = 'primary';
export const REPLICAS_BACKEND = 'replicas';

interface RouterState {
  view: MemberView;
  leader: SqlAnswer | Error;
  replicas: SqlAnswer | Error;
  stats: BackendServer[] | Error;
}

const settle = <T>(run: () => Promise<T>): Promise<T | Error> =>
  Promise.resolve().then(run).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));

async function routerState(ctx: ProbeContext, view: MemberView): Promise<RouterState> {
  const [leader, replicas, stats] = await Promise.all([
    settle(() => askServer({ port: view.hostPorts[LEADER_PORT], password: ctx.secret(SUPERUSER_PASSWORD) })),
    settle(() => askServer({ port: view.hostPorts[REPLICAS_PORT], password: ctx.secret(SUPERUSER_PASSWORD) })),
    settle(() => fetchStats(view.hostPorts[STATS_PORT])),
  ]);
  return { view, leader, replicas, stats };
}

/**
 * Healthy: a real query through the leader port lands on a server that is not
 * in recovery (read-write), one through the replicas port on a server that is
 * (read-only). The detail names the member each port reached, from HAProxy's
 * stats (the UP servers of each backend) and the replica's own primary_conninfo.
 */
async function health(ctx: ProbeContext): Promise<ComponentHealth<RouterRole>[]> {
  return Promise.all(
    ctx.members.map(async (view): Promise<ComponentHealth<RouterRole>> => {
      const absent = absentMember<RouterRole>(view);
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
      // Serving: a write through the leader port lands on the primary (what the API needs).
      const serving = !(leader instanceof Error) && !leader.inRecovery;
      return { name: view.containerName, status: problems.length ? 'unhealthy' : 'healthy', role: 'router', detail, serving };
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
