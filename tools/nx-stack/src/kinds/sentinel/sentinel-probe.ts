import { serviceLabels } from '../../core/naming';
import { absentMember } from '../members';
import type { ComponentHealth, InspectReport, MemberView, ProbeContext, ServiceProbe } from '../kind';
import { connectRedis, errorMessage, pairs, type RedisConnector } from '../../clients/redis';

const SENTINEL_PORT = 'sentinel';

export const SENTINEL_ROLES = ['sentinel'] as const;
export type SentinelRole = (typeof SENTINEL_ROLES)[number];
export const DEFAULT_MASTER_NAME = 'mymaster';

/** What one Sentinel says about the master it monitors. */
export interface SentinelView {
  /** get-master-addr-by-name: "host:port", undefined when it knows no such master. */
  masterAddr?: string;
  /** SENTINEL MASTER <name>. */
  master: Record<string, string>;
  /** SENTINEL REPLICAS <name>. */
  replicas: Array<Record<string, string>>;
  /** SENTINEL SENTINELS <name>: the other Sentinels. */
  sentinels: Array<Record<string, string>>;
  /** SENTINEL CKQUORUM <name>: OK, or the refusal (it is an error reply). */
  ckquorum: { ok: boolean; message: string };
}

export interface SentinelMemberState {
  view: MemberView;
  sentinel?: SentinelView;
  error?: string;
}

export interface SentinelExpectations {
  masterName: string;
  /** Replicas each Sentinel must see (Redis members - 1). */
  replicas: number;
  /** Other Sentinels each must see (Sentinels - 1). */
  otherSentinels: number;
}

/** The one flag a healthy instance carries; anything more (s_down, o_down, disconnected, failover_in_progress…) is a problem. */
const badFlags = (flags: string | undefined, normal: string) =>
  (flags ?? '').split(',').filter((f) => f && f !== normal);

/** Asks one Sentinel everything the verdict needs. Throws when it cannot be reached. */
export async function querySentinel(link: { command(name: string, ...args: string[]): Promise<unknown> }, masterName: string): Promise<SentinelView> {
  const addr = await link.command('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName);
  const masterAddr = Array.isArray(addr) && addr.length === 2 ? `${String(addr[0])}:${String(addr[1])}` : undefined;
  const known = async (fn: () => Promise<unknown>) => (masterAddr ? fn() : undefined);
  const master = pairs(await known(() => link.command('SENTINEL', 'MASTER', masterName)));
  const replicas = ((await known(() => link.command('SENTINEL', 'REPLICAS', masterName))) as unknown[] | undefined ?? []).map(pairs);
  const sentinels = ((await known(() => link.command('SENTINEL', 'SENTINELS', masterName))) as unknown[] | undefined ?? []).map(pairs);
  let ckquorum: SentinelView['ckquorum'];
  try {
    ckquorum = { ok: true, message: String(await link.command('SENTINEL', 'CKQUORUM', masterName)) };
  } catch (error) {
    // A failed CKQUORUM is an error reply (NOQUORUM …, or ERR No such master…).
    ckquorum = { ok: false, message: errorMessage(error) };
  }
  return { masterAddr, master, replicas, sentinels, ckquorum };
}

/**
 * The verdict on every Sentinel. Healthy means: it knows the master; every
 * Sentinel that answers names the same master address; the master carries
 * no flag besides `master` (no s_down/o_down); it sees `replicas` replicas
 * and `otherSentinels` other Sentinels, none of them flagged down; and
 * CKQUORUM says the quorum and a failover majority can be reached.
 */
export function sentinelVerdict(states: SentinelMemberState[], expect: SentinelExpectations): ComponentHealth<SentinelRole>[] {
  const answers = states.flatMap((s) => (s.sentinel?.masterAddr ? [{ host: s.view.hostname, addr: s.sentinel.masterAddr }] : []));
  const addresses = new Set(answers.map((a) => a.addr));
  return states.map(({ view, sentinel, error }): ComponentHealth<SentinelRole> => {
    const absent = absentMember<SentinelRole>(view);
    if (absent) return absent;
    if (!sentinel) return { name: view.containerName, status: 'unhealthy', role: '-', detail: error ?? 'no reply', serving: false };
    if (!sentinel.masterAddr) {
      return { name: view.containerName, status: 'unhealthy', role: 'sentinel', detail: `does not monitor a master named ${expect.masterName}`, serving: false };
    }
    const problems: string[] = [];
    if (addresses.size > 1) {
      problems.push(`Sentinels disagree on the master (${answers.map((a) => `${a.host}: ${a.addr}`).join(', ')})`);
    }
    const masterFlags = badFlags(sentinel.master.flags, 'master');
    if (masterFlags.length) problems.push(`master ${sentinel.masterAddr} is ${masterFlags.join(',')}`);
    const seenReplicas = Number(sentinel.master['num-slaves'] ?? sentinel.replicas.length);
    if (seenReplicas !== expect.replicas) problems.push(`sees ${seenReplicas} of ${expect.replicas} replicas`);
    for (const replica of sentinel.replicas) {
      const flags = badFlags(replica.flags, 'slave');
      if (flags.length) problems.push(`replica ${replica.ip}:${replica.port} is ${flags.join(',')}`);
      else if (replica['master-link-status'] && replica['master-link-status'] !== 'ok') {
        problems.push(`replica ${replica.ip}:${replica.port} reports its master link ${replica['master-link-status']}`);
      }
    }
    const seenSentinels = Number(sentinel.master['num-other-sentinels'] ?? sentinel.sentinels.length);
    if (seenSentinels !== expect.otherSentinels) problems.push(`sees ${seenSentinels} of ${expect.otherSentinels} other Sentinels`);
    for (const other of sentinel.sentinels) {
      const flags = badFlags(other.flags, 'sentinel');
      if (flags.length) problems.push(`Sentinel ${other.ip}:${other.port} is ${flags.join(',')}`);
    }
    if (!sentinel.ckquorum.ok) problems.push(`CKQUORUM: ${sentinel.ckquorum.message}`);

    const detail =
      `master ${sentinel.masterAddr} · ${seenReplicas} replicas · ${seenSentinels} other Sentinels · ` +
      `quorum ${sentinel.master.quorum ?? '?'}${sentinel.ckquorum.ok ? ` (${sentinel.ckquorum.message.replace(/\. .*$/, '')})` : ''}`;
    // Serving: it names the master the others name, that master is not down, and a failover could be authorised.
    const serving = addresses.size === 1 && masterFlags.length === 0 && sentinel.ckquorum.ok;
    return {
      name: view.containerName,
      status: problems.length ? 'unhealthy' : 'healthy',
      role: 'sentinel',
      detail: problems.length ? `${problems.join('; ')}; ${detail}` : detail,
      serving,
    };
  });
}

async function memberView(connect: RedisConnector, view: MemberView, masterName: string): Promise<SentinelMemberState> {
  if (!view.running) return { view };
  try {
    // Sentinel itself has no password (see infrastructure/sentinel/README.md).
    return { view, sentinel: await connect(view.hostPorts[SENTINEL_PORT], undefined, (link) => querySentinel(link, masterName)) };
  } catch (error) {
    return { view, error: errorMessage(error) };
  }
}

/**
 * What the Sentinels of this stack should see. The monitored Redis service
 * is the one they depend on; its member count is the number of its
 * containers in the stack.
 */
async function expectations(ctx: ProbeContext): Promise<SentinelExpectations & { redisService: string; redisMembers: number }> {
  // The Redis service the Sentinels monitor is the one they depend on (the same topology their containers are told).
  const redisService = ctx.service.config.dependsOn[0] ?? 'redis';
  const redisMembers = (await ctx.runtime.listContainers(serviceLabels(ctx.stack, redisService))).length;
  return {
    masterName: ctx.service.config.env.REDIS_MASTER_NAME ?? DEFAULT_MASTER_NAME,
    replicas: Math.max(0, redisMembers - 1),
    otherSentinels: ctx.members.length - 1,
    redisService,
    redisMembers,
  };
}

export function createSentinelProbe(connect: RedisConnector = connectRedis): ServiceProbe {
  async function observe(ctx: ProbeContext) {
    const expect = await expectations(ctx);
    const states = await Promise.all(ctx.members.map((view) => memberView(connect, view, expect.masterName)));
    let verdict = sentinelVerdict(states, expect);
    if (expect.redisMembers === 0) {
      // Sentinel only notices after down-after-milliseconds; the stack knows now.
      verdict = verdict.map((c) =>
        c.role === 'sentinel' ? { ...c, status: 'unhealthy', serving: false, detail: `no ${expect.redisService} containers in the stack; ${c.detail}` } : c,
      );
    }
    return { expect, states, verdict };
  }

  async function health(ctx: ProbeContext): Promise<ComponentHealth<SentinelRole>[]> {
    return (await observe(ctx)).verdict;
  }

  async function inspect(ctx: ProbeContext): Promise<InspectReport> {
    const { expect, states, verdict } = await observe(ctx);
    const agreed = new Set(states.map((s) => s.sentinel?.masterAddr).filter(Boolean));
    const first = states.find((s) => s.sentinel?.masterAddr)?.sentinel;
    return {
      service: ctx.service.name,
      columns: ['member', 'state', 'master', 'masterFlags', 'replicas', 'sentinels', 'quorum', 'ckquorum', 'epoch', 'endpoint'],
      rows: states.map(({ view, sentinel, error }) => ({
        member: view.containerName,
        state: view.container?.state ?? 'absent',
        master: sentinel?.masterAddr ?? (error ?? null),
        masterFlags: sentinel?.master.flags ?? null,
        replicas: sentinel ? sentinel.replicas.map((r) => `${r.ip}:${r.port}(${r.flags})`).join(' ') : null,
        sentinels: sentinel ? sentinel.sentinels.map((s) => `${s.ip}:${s.port}(${s.flags})`).join(' ') : null,
        quorum: sentinel?.master.quorum ? Number(sentinel.master.quorum) : null,
        ckquorum: sentinel ? sentinel.ckquorum.message : null,
        epoch: sentinel?.master['config-epoch'] ? Number(sentinel.master['config-epoch']) : null,
        endpoint: `127.0.0.1:${view.hostPorts[SENTINEL_PORT]}`,
      })),
      facts: {
        healthy: verdict.every((c) => c.status === 'healthy'),
        masterName: expect.masterName,
        master: agreed.size === 1 ? [...agreed][0] : null,
        agree: agreed.size === 1,
        // Each Sentinel's own view, as it answered.
        views: Object.fromEntries(
          states.map((s) => [
            s.view.hostname,
            s.sentinel
              ? {
                  master: s.sentinel.masterAddr ?? null,
                  masterFlags: s.sentinel.master.flags ?? null,
                  numSlaves: Number(s.sentinel.master['num-slaves'] ?? 0),
                  numOtherSentinels: Number(s.sentinel.master['num-other-sentinels'] ?? 0),
                  quorum: Number(s.sentinel.master.quorum ?? 0),
                  failoverTimeout: Number(s.sentinel.master['failover-timeout'] ?? 0),
                  downAfterMs: Number(s.sentinel.master['down-after-milliseconds'] ?? 0),
                  replicas: s.sentinel.replicas.map((r) => ({ address: `${r.ip}:${r.port}`, flags: r.flags, link: r['master-link-status'], offset: Number(r['slave-repl-offset'] ?? 0) })),
                  sentinels: s.sentinel.sentinels.map((o) => ({ address: `${o.ip}:${o.port}`, flags: o.flags })),
                  ckquorum: s.sentinel.ckquorum,
                }
              : { error: s.error ?? 'not running' },
          ]),
        ),
        replicas: first?.replicas.map((r) => `${r.ip}:${r.port}`) ?? [],
      },
    };
  }

  return { health, inspect };
}

export const sentinelProbe: ServiceProbe = createSentinelProbe();
