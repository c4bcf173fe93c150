import { absentMember } from '../members';
import { patroniCluster, patroniConfig, patroniHistory, patroniStatus, type PatroniCluster, type PatroniHistory, type PatroniStatus } from '../../clients/patroni';
import type { ComponentHealth, InspectReport, MemberView, ProbeContext, ServiceProbe } from '../kind';

export const API_PORT = 'api';
export const POSTGRES_PORT = 'postgres';
/** A replica further behind than this (bytes of WAL) is not healthy: Patroni's maximum_lag_on_failover default. */
export const MAX_LAG_BYTES = 1024 * 1024;
/** Per request: the whole probe (members in parallel) stays well under a second. */
const TIMEOUT_MS = 800;

const PRIMARY_ROLES = new Set(['master', 'primary']);
export const isPrimaryRole = (role: string | undefined) => role !== undefined && PRIMARY_ROLES.has(role);

export interface MemberState {
  view: MemberView;
  status?: PatroniStatus;
  cluster?: PatroniCluster;
  error?: string;
}

async function memberState(view: MemberView): Promise<MemberState> {
  if (!view.running) return { view };
  const port = view.hostPorts[API_PORT];
  const [status, cluster] = await Promise.allSettled([
    patroniStatus(port, TIMEOUT_MS),
    patroniCluster(port, TIMEOUT_MS),
  ]);
  if (status.status === 'rejected') return { view, error: (status.reason as Error).message };
  return { view, status: status.value, cluster: cluster.status === 'fulfilled' ? cluster.value : undefined };
}

/**
 * Every member's /patroni and /cluster, in parallel, and what they say.
 * When the primary streams to replicas none of which is synchronous, its
 * /config is asked too: in synchronous mode that is a cluster Patroni cannot
 * fail over yet (it only promotes the synchronous standby), a moment after
 * a switchover or a rejoin. A healthy cluster costs no extra request.
 */
export async function observePatroni(members: MemberView[]): Promise<{ states: MemberState[]; verdict: ClusterVerdict }> {
  const states = await Promise.all(members.map(memberState));
  const verdict = assessPatroni(states);
  const leader = states.find((s) => s.view.hostname === verdict.leader);
  if (!leader || !verdict.noSyncStandby) return { states, verdict };
  const config = await patroniConfig(leader.view.hostPorts[API_PORT], TIMEOUT_MS).catch(() => undefined);
  return { states, verdict: config?.synchronous_mode ? assessPatroni(states, { synchronousMode: true }) : verdict };
}

/** Where the member's WAL is: the primary's write position, a replica's received or replayed position. */
const walPosition = (status: PatroniStatus) =>
  Math.max(status.xlog?.location ?? 0, status.xlog?.received_location ?? 0, status.xlog?.replayed_location ?? 0);

export const formatBytes = (bytes: number) =>
  bytes < 1024 ? `${bytes} B` : bytes < MAX_LAG_BYTES ? `${(bytes / 1024).toFixed(1)} kB` : `${(bytes / MAX_LAG_BYTES).toFixed(1)} MB`;

/** The roles of a Patroni member: the one primary, the synchronous standby, the other replicas. */
export const PATRONI_ROLES = ['leader', 'sync-standby', 'replica'] as const;
export type PatroniRole = (typeof PATRONI_ROLES)[number];

/** What the probe derives for one member, shared by health and inspect. */
export interface MemberVerdict {
  view: MemberView;
  role: PatroniRole | '-';
  /** Serves its role now: the primary accepting writes, or a replica streaming from it. */
  serving: boolean;
  state: string;
  timeline: number | null;
  lagBytes: number | null;
  syncState: string | null;
  problems: string[];
  detail: string;
}

export interface ClusterVerdict {
  members: MemberVerdict[];
  /** Member name (hostname) of the one primary, when there is exactly one. */
  leader?: string;
  /** The DCS view from the first member that answered /cluster. */
  cluster?: PatroniCluster;
  states: MemberState[];
  /** The primary streams to replicas, none of them synchronous (in synchronous mode: none Patroni could promote). */
  noSyncStandby: boolean;
}

/**
 * Healthy: exactly one primary, the member holding the leader key; every
 * member `running`; every other member a replica (in recovery) that the
 * primary lists as `streaming`, less than 1 MB behind, on its timeline; in
 * synchronous mode, one of them the synchronous standby.
 */
export function assessPatroni(states: MemberState[], options: { synchronousMode?: boolean } = {}): ClusterVerdict {
  const primaries = states.filter((s) => s.status && isPrimaryRole(s.status.role));
  const leaderState = primaries.length === 1 ? primaries[0] : undefined;
  const leader = leaderState?.status;
  // The DCS view: prefer the primary's (it writes the leader key), else any member's.
  const cluster = leaderState?.cluster ?? states.find((s) => s.cluster)?.cluster;
  const dcsLeaders = (cluster?.members ?? []).filter((m) => m.role === 'leader' || m.role === 'standby_leader').map((m) => m.name);
  const replication = new Map((leader?.replication ?? []).map((r) => [r.application_name, r]));
  const streaming = (leader?.replication ?? []).filter((r) => r.state === 'streaming');
  const sync = streaming.filter((r) => r.sync_state === 'sync').map((r) => r.application_name);
  const noSyncStandby = streaming.length > 0 && sync.length === 0;

  const members = states.map(({ view, status }): MemberVerdict => {
    const base = { view, timeline: status?.timeline ?? null, lagBytes: null as number | null, syncState: null as string | null };
    if (!status) return { ...base, role: '-', serving: false, state: view.container?.state ?? 'absent', problems: [], detail: '' };
    const problems: string[] = [];
    if (status.state !== 'running') problems.push(`PostgreSQL is ${status.state}`);
    if (primaries.length === 0) problems.push('no member is primary (no leader)');
    if (primaries.length > 1) problems.push(`${primaries.length} primaries (${primaries.map((p) => p.view.hostname).join(', ')}): split brain`);

    if (isPrimaryRole(status.role)) {
      if (leaderState && cluster && !dcsLeaders.includes(view.hostname)) {
        problems.push(`primary without the leader key (etcd says: ${dcsLeaders.join(', ') || 'no leader'})`);
      }
      const detail = `timeline ${status.timeline ?? '?'} · ${streaming.length} streaming${sync.length ? ` (sync: ${sync.join(', ')})` : ''}`;
      // It takes writes (dependents may start), but losing it now would leave the cluster without a leader.
      const serving = problems.length === 0;
      if (options.synchronousMode && noSyncStandby) {
        problems.push('synchronous mode, but no synchronous standby chosen yet: Patroni cannot fail over until it picks one');
      }
      return { ...base, role: 'leader', serving, state: status.state, problems, detail };
    }

    // A replica.
    const stream = replication.get(view.hostname);
    const syncState = stream?.sync_state ?? null;
    const dcsRole = cluster?.members.find((m) => m.name === view.hostname)?.role;
    const isSync = syncState === 'sync' || (stream === undefined && (status.sync_standby === true || dcsRole === 'sync_standby'));
    const role: PatroniRole = isSync ? 'sync-standby' : 'replica';
    let lagBytes: number | null = null;
    // A member whose PostgreSQL is not running has no WAL position or timeline to compare.
    if (leader && leaderState && status.state === 'running') {
      const from = leaderState.view.hostname;
      const position = walPosition(status);
      lagBytes = position > 0 ? Math.max(0, walPosition(leader) - position) : null;
      if (!stream) problems.push(`not streaming from ${from} (not in its pg_stat_replication)`);
      else if (stream.state !== 'streaming') problems.push(`replication from ${from} is ${stream.state}, not streaming`);
      if (lagBytes === null) problems.push('reports no WAL position');
      else if (lagBytes >= MAX_LAG_BYTES) problems.push(`lag ${formatBytes(lagBytes)} (limit 1 MB)`);
      if (leader.timeline !== undefined && status.timeline !== leader.timeline) {
        problems.push(`on timeline ${status.timeline ?? '?'}, leader on ${leader.timeline}`);
      }
    }
    const detail = [
      `timeline ${status.timeline ?? '?'}`,
      `lag ${lagBytes === null ? '?' : formatBytes(lagBytes)}`,
      syncState ?? (stream ? stream.state : 'not streaming'),
    ].join(' · ');
    const serving = status.state === 'running' && stream?.state === 'streaming';
    return { ...base, role, serving, state: status.state, lagBytes, syncState, problems, detail };
  });
  return { members, leader: leaderState?.view.hostname, cluster, states, noSyncStandby };
}

async function health(ctx: ProbeContext): Promise<ComponentHealth<PatroniRole>[]> {
  const { states, verdict } = await observePatroni(ctx.members);
  return verdict.members.map((m, index): ComponentHealth<PatroniRole> => {
    const absent = absentMember<PatroniRole>(m.view);
    if (absent) return absent;
    const state = states[index];
    if (!state.status) return { name: m.view.containerName, status: 'unhealthy', role: '-', detail: state.error ?? 'no status', serving: false };
    return {
      name: m.view.containerName,
      status: m.problems.length ? 'unhealthy' : 'healthy',
      role: m.role,
      detail: m.problems.length ? `${m.problems.join('; ')}; ${m.detail}` : m.detail,
      serving: m.serving,
    };
  });
}

async function inspect(ctx: ProbeContext): Promise<InspectReport> {
  const { states, verdict } = await observePatroni(ctx.members);
  const answering = states.find((s) => s.view.hostname === verdict.leader) ?? states.find((s) => s.status);
  let history: PatroniHistory | null = null;
  if (answering) {
    history = await patroniHistory(answering.view.hostPorts[API_PORT], 1500).catch(() => null);
  }
  const leaderStatus = states.find((s) => s.view.hostname === verdict.leader)?.status;
  return {
    service: ctx.service.name,
    columns: ['member', 'role', 'state', 'timeline', 'lagBytes', 'sync', 'hostPort', 'api'],
    rows: verdict.members.map((m, index) => ({
      member: m.view.containerName,
      role: m.role,
      state: states[index].status?.state ?? (states[index].error ? `unreachable` : (m.view.container?.state ?? 'absent')),
      timeline: m.timeline,
      lagBytes: m.lagBytes,
      sync: m.syncState,
      hostPort: m.view.hostPorts[POSTGRES_PORT] ? `127.0.0.1:${m.view.hostPorts[POSTGRES_PORT]}` : null,
      api: m.view.hostPorts[API_PORT] ? `127.0.0.1:${m.view.hostPorts[API_PORT]}` : null,
    })),
    facts: {
      scope: verdict.cluster?.scope ?? answering?.status?.patroni?.scope ?? null,
      leader: verdict.leader ?? null,
      synchronousStandbys: (leaderStatus?.replication ?? []).filter((r) => r.sync_state === 'sync').map((r) => r.application_name),
      timeline: leaderStatus?.timeline ?? null,
      systemIdentifier: answering?.status?.database_system_identifier ?? null,
      patroniVersion: answering?.status?.patroni?.version ?? null,
      paused: verdict.cluster?.pause ?? false,
      failovers: (history ?? []).map(([timeline, lsn, reason, at, newLeader]) => ({
        timeline,
        lsn,
        reason,
        at: at ?? null,
        newLeader: newLeader ?? null,
      })),
    },
  };
}

export const patroniProbe: ServiceProbe = { health, inspect };
