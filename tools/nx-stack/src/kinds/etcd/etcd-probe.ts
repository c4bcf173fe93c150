import { absentMember } from '../members';
import { etcdHealth, etcdKeyCount, etcdMembers, etcdStatus, type EtcdMember, type EtcdStatus } from '../../clients/etcd';
import type { ComponentHealth, InspectReport, MemberView, ProbeContext, ServiceProbe } from '../kind';

const CLIENT_PORT = 'client';

interface MemberStatus {
  view: MemberView;
  status?: EtcdStatus;
  error?: string;
}

async function memberStatus(view: MemberView): Promise<MemberStatus> {
  if (!view.running) return { view };
  const port = view.hostPorts[CLIENT_PORT];
  try {
    const health = await etcdHealth(port);
    if (health.health !== 'true') return { view, error: `etcd reports unhealthy${health.reason ? `: ${health.reason}` : ''}` };
    return { view, status: await etcdStatus(port) };
  } catch (error) {
    return { view, error: (error as Error).message };
  }
}

const kib = (bytes: string) => `${Math.round(Number(bytes) / 1024)} kB`;

/** The roles of an etcd member. */
export const ETCD_ROLES = ['leader', 'follower'] as const;
export type EtcdRole = (typeof ETCD_ROLES)[number];

/**
 * How far (raft entries) a follower's applied index may trail the leader's
 * at the instant of a probe and still count as in sync. Patroni writes to
 * etcd every loop_wait, so on a healthy cluster a follower is routinely a
 * few entries behind; a follower that is cut off falls behind without bound.
 */
export const APPLIED_INDEX_WINDOW = 64;
/** A follower further behind is probed again this much later and must have reached where the leader was. */
export const REPROBE_MS = 300;

/** Where a member is in the raft log: the applied index where etcd reports it, else the received one. */
export const appliedIndex = (status: EtcdStatus) => BigInt(status.raftAppliedIndex ?? status.raftIndex);

const roleOf = (status: EtcdStatus): EtcdRole => (status.leader === status.header.member_id ? 'leader' : 'follower');

/**
 * Healthy means: every member answers /health, exactly one leader that all
 * members agree on, and every follower in step with the leader: its applied
 * index within APPLIED_INDEX_WINDOW entries of the leader's, or, when it is
 * further behind, caught up with where the leader was when probed again
 * REPROBE_MS later (converging, not stuck). Never exact equality at one
 * instant: that flaps on a healthy cluster under Patroni's writes.
 * A member serves (readiness) when it answers and agrees on a leader.
 */
export function createEtcdProbe(options: { window?: number; reprobeMs?: number } = {}): ServiceProbe {
  const window = BigInt(options.window ?? APPLIED_INDEX_WINDOW);
  const reprobeMs = options.reprobeMs ?? REPROBE_MS;

  async function health(ctx: ProbeContext): Promise<ComponentHealth<EtcdRole>[]> {
    const statuses = await Promise.all(ctx.members.map(memberStatus));
    const leaders = new Set(statuses.filter((s) => s.status).map((s) => s.status!.leader));
    const leaderStatus = statuses.find((s) => s.status && roleOf(s.status) === 'leader')?.status;
    const leaderIndex = leaderStatus ? appliedIndex(leaderStatus) : undefined;
    // Followers outside the window get one more look, all at once, before a verdict.
    const behind = statuses.filter((s) => s.status && leaderIndex !== undefined && roleOf(s.status) === 'follower' && leaderIndex - appliedIndex(s.status) > window);
    const second = new Map<MemberView, EtcdStatus | undefined>();
    if (behind.length) {
      await new Promise((resolve) => setTimeout(resolve, reprobeMs));
      await Promise.all(behind.map(async (s) => second.set(s.view, (await memberStatus(s.view)).status)));
    }
    return statuses.map(({ view, status, error }): ComponentHealth<EtcdRole> => {
      const absent = absentMember<EtcdRole>(view);
      if (absent) return absent;
      if (!status) return { name: view.containerName, status: 'unhealthy', role: '-', detail: error ?? 'no status', serving: false };
      const role = roleOf(status);
      const index = appliedIndex(status);
      const lag = leaderIndex !== undefined && leaderIndex > index ? leaderIndex - index : 0n;
      const detail = `rev ${status.header.revision} · term ${status.raftTerm} · index ${status.raftIndex}${lag > 0n ? ` (${lag} behind)` : ''} · db ${kib(status.dbSize)}`;
      const leaderProblem =
        status.leader === '0'
          ? 'no leader'
          : leaders.size > 1
            ? `members disagree on the leader (${[...leaders].join(', ')})`
            : !leaderStatus
              ? 'its leader does not answer'
              : undefined;
      let problem = leaderProblem;
      if (!problem && second.has(view)) {
        const again = second.get(view);
        const caughtUp = again !== undefined && appliedIndex(again) >= leaderIndex!;
        if (!caughtUp) {
          problem =
            `applied index ${index}, leader at ${leaderIndex} (more than ${window} behind)` +
            (again ? ` and still at ${appliedIndex(again)} ${reprobeMs} ms later` : ', and it did not answer a second probe');
        }
      }
      return {
        name: view.containerName,
        status: problem ? 'unhealthy' : 'healthy',
        role,
        detail: problem ? `${problem}; ${detail}` : detail,
        serving: leaderProblem === undefined,
      };
    });
  }

  return { health, inspect };
}

async function inspect(ctx: ProbeContext): Promise<InspectReport> {
  const statuses = await Promise.all(ctx.members.map(memberStatus));
  const reachable = statuses.find((s) => s.status);
  let members: EtcdMember[] = [];
  let keys: number | null = null;
  if (reachable) {
    const port = reachable.view.hostPorts[CLIENT_PORT];
    members = await etcdMembers(port);
    keys = await etcdKeyCount(port);
  }
  const idOf = (id: string) => BigInt(id).toString(16);
  return {
    service: ctx.service.name,
    columns: ['member', 'id', 'state', 'role', 'revision', 'raftTerm', 'raftIndex', 'dbSize', 'endpoint'],
    rows: statuses.map(({ view, status, error }) => ({
      member: view.containerName,
      id: status ? idOf(status.header.member_id) : null,
      state: view.container?.state ?? 'absent',
      role: status ? roleOf(status) : (error ?? '-'),
      revision: status ? Number(status.header.revision) : null,
      raftTerm: status ? Number(status.raftTerm) : null,
      raftIndex: status ? Number(status.raftIndex) : null,
      dbSize: status ? kib(status.dbSize) : null,
      endpoint: `127.0.0.1:${view.hostPorts[CLIENT_PORT]}`,
    })),
    facts: {
      clusterId: reachable?.status ? idOf(reachable.status.header.cluster_id) : null,
      version: reachable?.status?.version ?? null,
      leader: reachable?.status && reachable.status.leader !== '0' ? idOf(reachable.status.leader) : null,
      keys,
      members: (members ?? []).map((m) => ({ id: idOf(m.ID), name: m.name, peerURLs: m.peerURLs, clientURLs: m.clientURLs })),
    },
  };
}

export const etcdProbe: ServiceProbe = createEtcdProbe();
