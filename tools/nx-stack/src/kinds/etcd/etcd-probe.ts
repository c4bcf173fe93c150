import { absentMember } from '../members';
import { httpJson } from '../../clients/http';
import type { ComponentHealth, InspectReport, MemberView, ProbeContext, ServiceProbe } from '../kind';

/** etcd's v3 JSON gateway (etcd 3.4 serves it under /v3/ on the client port). */
interface StatusResponse {
  header: { cluster_id: string; member_id: string; revision: string; raft_term: string };
  version: string;
  dbSize: string;
  leader: string;
  raftIndex: string;
  raftTerm: string;
}
interface MemberListResponse {
  members?: Array<{ ID: string; name: string; peerURLs?: string[]; clientURLs?: string[] }>;
}
interface RangeResponse {
  count?: string;
}

const CLIENT_PORT = 'client';

interface MemberStatus {
  view: MemberView;
  status?: StatusResponse;
  error?: string;
}

async function memberStatus(view: MemberView): Promise<MemberStatus> {
  if (!view.running) return { view };
  const port = view.hostPorts[CLIENT_PORT];
  try {
    const health = await httpJson<{ health: string; reason?: string }>(port, '/health');
    if (health.health !== 'true') return { view, error: `etcd reports unhealthy${health.reason ? `: ${health.reason}` : ''}` };
    return { view, status: await httpJson<StatusResponse>(port, '/v3/maintenance/status', { method: 'POST', body: {} }) };
  } catch (error) {
    return { view, error: (error as Error).message };
  }
}

const kib = (bytes: string) => `${Math.round(Number(bytes) / 1024)} kB`;

/**
 * Healthy means: every member answers /health, exactly one leader that all
 * members agree on, and every member at the leader's revision.
 */
async function health(ctx: ProbeContext): Promise<ComponentHealth[]> {
  const statuses = await Promise.all(ctx.members.map(memberStatus));
  const leaders = new Set(statuses.filter((s) => s.status).map((s) => s.status!.leader));
  const leaderStatus = statuses.find((s) => s.status && s.status.leader === s.status.header.member_id)?.status;
  return statuses.map(({ view, status, error }) => {
    const absent = absentMember(view);
    if (absent) return absent;
    if (!status) return { name: view.containerName, status: 'unhealthy', role: '-', detail: error ?? 'no status' };
    const role = status.leader === status.header.member_id ? 'leader' : 'follower';
    const detail = `rev ${status.header.revision} · term ${status.raftTerm} · index ${status.raftIndex} · db ${kib(status.dbSize)}`;
    const problem =
      status.leader === '0'
        ? 'no leader'
        : leaders.size > 1
          ? `members disagree on the leader (${[...leaders].join(', ')})`
          : !leaderStatus
            ? 'its leader does not answer'
            : status.header.revision !== leaderStatus.header.revision
              ? `at revision ${status.header.revision}, leader at ${leaderStatus.header.revision}`
              : undefined;
    return { name: view.containerName, status: problem ? 'unhealthy' : 'healthy', role, detail: problem ? `${problem}; ${detail}` : detail };
  });
}

async function inspect(ctx: ProbeContext): Promise<InspectReport> {
  const statuses = await Promise.all(ctx.members.map(memberStatus));
  const reachable = statuses.find((s) => s.status);
  let members: MemberListResponse['members'] = [];
  let keys: number | null = null;
  if (reachable) {
    const port = reachable.view.hostPorts[CLIENT_PORT];
    members = (await httpJson<MemberListResponse>(port, '/v3/cluster/member/list', { method: 'POST', body: {} })).members;
    // key "\0" to range_end "\0" is etcd's way of saying "every key".
    const range = await httpJson<RangeResponse>(port, '/v3/kv/range', {
      method: 'POST',
      body: { key: 'AA==', range_end: 'AA==', count_only: true },
    });
    keys = Number(range.count ?? 0);
  }
  const idOf = (id: string) => BigInt(id).toString(16);
  return {
    service: ctx.service.name,
    columns: ['member', 'id', 'state', 'role', 'revision', 'raftTerm', 'raftIndex', 'dbSize', 'endpoint'],
    rows: statuses.map(({ view, status, error }) => ({
      member: view.containerName,
      id: status ? idOf(status.header.member_id) : null,
      state: view.container?.state ?? 'absent',
      role: status ? (status.leader === status.header.member_id ? 'leader' : 'follower') : (error ?? '-'),
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

export const etcdProbe: ServiceProbe = { health, inspect };
