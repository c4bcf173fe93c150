import { connectRedis, errorMessage, pairs, type RedisConnector } from '../../clients/redis';
import type { ProbeContext, ServiceHealth } from '../kind';
import { DEFAULT_MASTER_NAME } from './sentinel-probe';

const SENTINEL_PORT = 'sentinel';
const PASSWORD = 'REDIS_PASSWORD';
/** What a Sentinel is told of its master besides the address: copied from one that agrees with the majority. */
const SETTINGS = ['down-after-milliseconds', 'failover-timeout', 'parallel-syncs'] as const;

interface View {
  name: string;
  port: number;
  /** "host:port", undefined when it monitors no master of that name. */
  masterAddr?: string;
  master: Record<string, string>;
}

/**
 * A Sentinel with a stale view: it monitors another address than the
 * master a majority of the Sentinels name (a Sentinel that was down through
 * a failover and whose config epoch lost, a SENTINEL MONITOR by hand), or no
 * master at all. It is told the majority's master again (SENTINEL REMOVE,
 * MONITOR with the majority's quorum, the password and the majority's
 * timeouts). Nothing is done without a majority: who the master is would be
 * a guess.
 */
export function createSentinelRepair(connect: RedisConnector = connectRedis) {
  return async function repairSentinel(ctx: ProbeContext, health: ServiceHealth): Promise<string[]> {
    if (health.healthy) return [];
    const masterName = ctx.service.config.env.REDIS_MASTER_NAME ?? DEFAULT_MASTER_NAME;
    const views: View[] = [];
    for (const member of ctx.members.filter((m) => m.running)) {
      const port = member.hostPorts[SENTINEL_PORT];
      const view = await connect(port, undefined, async (link) => {
        const addr = await link.command('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName);
        const masterAddr = Array.isArray(addr) && addr.length === 2 ? `${String(addr[0])}:${String(addr[1])}` : undefined;
        return { name: member.containerName, port, masterAddr, master: masterAddr ? pairs(await link.command('SENTINEL', 'MASTER', masterName)) : {} };
      }).catch(() => undefined);
      if (view) views.push(view);
    }
    const votes = new Map<string, View[]>();
    for (const view of views) if (view.masterAddr) votes.set(view.masterAddr, [...(votes.get(view.masterAddr) ?? []), view]);
    const [agreed, holders] = [...votes.entries()].find(([, v]) => v.length > ctx.members.length / 2) ?? [];
    if (!agreed || !holders) return [];
    const model = holders[0];
    const [host, port] = [agreed.slice(0, agreed.lastIndexOf(':')), agreed.slice(agreed.lastIndexOf(':') + 1)];
    const quorum = model.master.quorum ?? String(Math.floor(ctx.members.length / 2) + 1);
    const actions: string[] = [];
    for (const stale of views.filter((v) => v.masterAddr !== agreed)) {
      try {
        await connect(stale.port, undefined, async (link) => {
          if (stale.masterAddr) await link.command('SENTINEL', 'REMOVE', masterName);
          await link.command('SENTINEL', 'MONITOR', masterName, host, port, quorum);
          await link.command('SENTINEL', 'SET', masterName, 'auth-pass', ctx.secret(PASSWORD));
          const settings = SETTINGS.filter((s) => model.master[s] !== undefined).flatMap((s) => [s, model.master[s]]);
          if (settings.length) await link.command('SENTINEL', 'SET', masterName, ...settings);
          // Written to its config file at once, so a restart keeps it.
          await link.command('SENTINEL', 'FLUSHCONFIG');
        });
        actions.push(
          `${stale.name}: monitored ${stale.masterAddr ?? `no master named ${masterName}`}, the other Sentinels ${agreed}; ` +
            `now monitors ${agreed} (quorum ${quorum}, timeouts as ${model.name})`,
        );
      } catch (error) {
        actions.push(`${stale.name}: could not be told the master ${agreed} (${errorMessage(error)})`);
      }
    }
    return actions;
  };
}

export const repairSentinel = createSentinelRepair();
