import { absentMember } from '../members';
import type { ComponentHealth, InspectReport, MemberView, ProbeContext, ServiceProbe } from '../kind';
import { connectRedis, errorMessage, parseCommaFields, parseInfo, type RedisConnector } from '../../clients/redis';
import { REDIS_PASSWORD, REDIS_PORT_NAME } from './names';


/** The roles of a Redis member. */
export const REDIS_ROLES = ['master', 'replica'] as const;
export type RedisRole = (typeof REDIS_ROLES)[number];

export interface ReplicaLine {
  ip: string;
  port: number;
  state: string;
  offset: number;
  lag: number;
}

/** The replication part of INFO, typed. */
export interface Replication {
  role: RedisRole;
  /** master_repl_offset: how far this member's replication stream goes. */
  offset: number;
  /** Master only: replicas connected now, as the master lists them. */
  connectedReplicas: number;
  replicas: ReplicaLine[];
  /** Replica only. */
  masterHost?: string;
  masterPort?: number;
  linkStatus?: string;
  /** Replica only: the offset it has processed (slave_repl_offset). */
  replicaOffset?: number;
  syncInProgress?: boolean;
}

export function parseReplication(info: Record<string, string>): Replication {
  const role = info.role === 'master' ? 'master' : info.role === 'slave' ? 'replica' : undefined;
  if (!role) throw new Error(`INFO replication has no known role (role:${info.role ?? 'missing'})`);
  const connected = Number(info.connected_slaves ?? 0);
  const replicas = Object.keys(info)
    .filter((k) => /^slave\d+$/.test(k))
    .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)))
    .map((k) => {
      const f = parseCommaFields(info[k]);
      return { ip: f.ip, port: Number(f.port), state: f.state, offset: Number(f.offset), lag: Number(f.lag) };
    });
  const base: Replication = { role, offset: Number(info.master_repl_offset ?? 0), connectedReplicas: connected, replicas };
  if (role === 'master') return base;
  return {
    ...base,
    masterHost: info.master_host,
    masterPort: Number(info.master_port),
    linkStatus: info.master_link_status,
    replicaOffset: Number(info.slave_repl_offset ?? info.master_repl_offset ?? 0),
    syncInProgress: info.master_sync_in_progress === '1',
  };
}

/** What one member said (or why it said nothing). */
export interface RedisMemberState {
  view: MemberView;
  info?: Record<string, string>;
  error?: string;
}

const bytes = (n: number) => `${Math.max(0, n)} B`;

/**
 * The verdict on every member from what each answered. Healthy means:
 * exactly one master, listing replicas - 1 connected replicas, all online;
 * every other member a replica of that master (by host name) with its link
 * up. A problem of the whole group (no master, two masters) marks every
 * member, like etcd's "no leader".
 */
export function redisVerdict(states: RedisMemberState[]): ComponentHealth<RedisRole>[] {
  const parsed = states.map((s) => {
    if (!s.info || s.error) return { ...s, repl: undefined };
    try {
      return { ...s, repl: parseReplication(s.info) };
    } catch (error) {
      return { ...s, repl: undefined, error: errorMessage(error) };
    }
  });
  const masters = parsed.filter((s) => s.repl?.role === 'master');
  const master = masters.length === 1 ? masters[0] : undefined;
  const expectedReplicas = states.length - 1;

  return parsed.map(({ view, repl, error }): ComponentHealth<RedisRole> => {
    const absent = absentMember<RedisRole>(view);
    if (absent) return absent;
    if (!repl) return { name: view.containerName, status: 'unhealthy', role: '-', detail: error ?? 'no INFO reply', serving: false };

    const problems: string[] = [];
    if (masters.length > 1) problems.push(`${masters.length} masters (${masters.map((m) => m.view.hostname).join(', ')})`);
    let detail: string;
    if (repl.role === 'master') {
      const online = repl.replicas.filter((r) => r.state === 'online');
      detail = `offset ${repl.offset} · ${online.length}/${expectedReplicas} replicas online${
        repl.replicas.length ? ` (${[...repl.replicas].sort((x, y) => x.ip.localeCompare(y.ip)).map((r) => `${r.ip} ${bytes(repl.offset - r.offset)} behind`).join(', ')})` : ''
      }`;
      if (repl.connectedReplicas !== expectedReplicas) problems.push(`${repl.connectedReplicas} of ${expectedReplicas} replicas connected`);
      for (const r of repl.replicas.filter((r) => r.state !== 'online')) problems.push(`replica ${r.ip} is ${r.state}`);
    } else {
      const lag = master?.repl ? bytes(master.repl.offset - (repl.replicaOffset ?? 0)) : '?';
      detail = `replica of ${repl.masterHost}:${repl.masterPort} · link ${repl.linkStatus} · offset ${repl.replicaOffset} · lag ${lag}`;
      if (repl.linkStatus !== 'up') problems.push(`link to ${repl.masterHost}:${repl.masterPort} is ${repl.linkStatus}${repl.syncInProgress ? ' (sync in progress)' : ''}`);
      if (master && repl.masterHost !== master.view.hostname) problems.push(`replicates ${repl.masterHost}, but the master is ${master.view.hostname}`);
    }
    if (masters.length === 0) problems.push('no master among the members that answer');
    // Serving: the one master takes writes; a replica is linked to it.
    const serving =
      masters.length === 1 && (repl.role === 'master' || (repl.linkStatus === 'up' && repl.masterHost === master?.view.hostname));
    return {
      name: view.containerName,
      status: problems.length ? 'unhealthy' : 'healthy',
      role: repl.role,
      detail: problems.length ? `${problems.join('; ')}; ${detail}` : detail,
      serving,
    };
  });
}

async function memberInfo(connect: RedisConnector, ctx: ProbeContext, view: MemberView, section?: string): Promise<RedisMemberState> {
  if (!view.running) return { view };
  try {
    const text = await connect(view.hostPorts[REDIS_PORT_NAME], ctx.secret(REDIS_PASSWORD), (link) =>
      section ? link.command('INFO', section) : link.command('INFO'),
    );
    return { view, info: parseInfo(String(text)) };
  } catch (error) {
    return { view, error: errorMessage(error) };
  }
}

/** keyspace lines (`db0:keys=3,expires=0,avg_ttl=0`) as numbers per database. */
export function keyspace(info: Record<string, string>): Record<string, { keys: number; expires: number }> {
  return Object.fromEntries(
    Object.entries(info)
      .filter(([k]) => /^db\d+$/.test(k))
      .map(([k, v]) => {
        const f = parseCommaFields(v);
        return [k, { keys: Number(f.keys ?? 0), expires: Number(f.expires ?? 0) }];
      }),
  );
}

export function createRedisProbe(connect: RedisConnector = connectRedis): ServiceProbe {
  async function health(ctx: ProbeContext): Promise<ComponentHealth<RedisRole>[]> {
    return redisVerdict(await Promise.all(ctx.members.map((view) => memberInfo(connect, ctx, view, 'replication'))));
  }

  async function inspect(ctx: ProbeContext): Promise<InspectReport> {
    // Plain INFO: the default sections include replication, memory and keyspace.
    const states = await Promise.all(ctx.members.map((view) => memberInfo(connect, ctx, view)));
    const verdict = redisVerdict(states);
    const repl = states.map((s) => {
      try {
        return s.info ? parseReplication(s.info) : undefined;
      } catch {
        return undefined;
      }
    });
    const masterIndex = repl.filter((r) => r?.role === 'master').length === 1 ? repl.findIndex((r) => r?.role === 'master') : -1;
    const masterOffset = masterIndex >= 0 ? repl[masterIndex]?.offset : undefined;
    return {
      service: ctx.service.name,
      columns: ['member', 'state', 'role', 'master', 'link', 'offset', 'lagBytes', 'memory', 'keys', 'expires', 'endpoint'],
      rows: states.map(({ view, info, error }, i) => {
        const r = repl[i];
        const dbs = info ? Object.values(keyspace(info)) : [];
        return {
          member: view.containerName,
          state: view.container?.state ?? 'absent',
          role: r?.role ?? (error ?? '-'),
          master: r?.role === 'replica' ? `${r.masterHost}:${r.masterPort}` : null,
          link: r?.role === 'replica' ? (r.linkStatus ?? null) : null,
          offset: r ? (r.role === 'replica' ? (r.replicaOffset ?? null) : r.offset) : null,
          lagBytes: r?.role === 'replica' && masterOffset !== undefined ? Math.max(0, masterOffset - (r.replicaOffset ?? 0)) : null,
          memory: info?.used_memory_human ?? null,
          keys: info ? dbs.reduce((n, db) => n + db.keys, 0) : null,
          expires: info ? dbs.reduce((n, db) => n + db.expires, 0) : null,
          endpoint: `127.0.0.1:${view.hostPorts[REDIS_PORT_NAME]}`,
        };
      }),
      facts: {
        healthy: verdict.every((c) => c.status === 'healthy'),
        master: masterIndex >= 0 ? states[masterIndex].view.hostname : null,
        replicationId: masterIndex >= 0 ? (states[masterIndex].info?.master_replid ?? null) : null,
        // Who replicates whom, as each member says: hostname → its master (null: it is a master).
        topology: Object.fromEntries(
          states.map((s, i) => {
            const r = repl[i];
            return [s.view.hostname, r ? (r.role === 'master' ? null : `${r.masterHost}:${r.masterPort}`) : 'unknown'];
          }),
        ),
        offsets: Object.fromEntries(states.map((s, i) => [s.view.hostname, repl[i]?.replicaOffset ?? repl[i]?.offset ?? null])),
        memory: Object.fromEntries(
          states.map((s) => [
            s.view.hostname,
            s.info ? { used: Number(s.info.used_memory ?? 0), usedHuman: s.info.used_memory_human, peakHuman: s.info.used_memory_peak_human } : null,
          ]),
        ),
        keyspace: Object.fromEntries(states.map((s) => [s.view.hostname, s.info ? keyspace(s.info) : null])),
        version: states.find((s) => s.info?.redis_version)?.info?.redis_version ?? null,
      },
    };
  }

  return { health, inspect };
}

export const redisProbe: ServiceProbe = createRedisProbe();
