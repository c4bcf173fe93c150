import { connectRedis, errorMessage, parseInfo, type RedisConnector } from '../../clients/redis';
import type { ProbeContext, ServiceHealth } from '../kind';
import { parseReplication } from './redis-probe';
import { REDIS_PASSWORD, REDIS_PORT_NAME } from './names';


/**
 * A running replica that replicates anything but the one master (a dead
 * master's host, a name that no longer exists: after a crash, or a
 * REPLICAOF by hand) is pointed at the master again with REPLICAOF. Only
 * when exactly one member is a master: with none or two, electing one is
 * the Sentinels' job. The Sentinels fix such a replica too, but only after
 * their failover-timeout and only while they agree on a sane master.
 */
export function createRedisRepair(connect: RedisConnector = connectRedis) {
  return async function repairRedis(ctx: ProbeContext, health: ServiceHealth): Promise<string[]> {
    const masters = health.components.filter((c) => c.role === 'master');
    if (masters.length !== 1) return [];
    const master = ctx.members.find((m) => m.containerName === masters[0].name);
    if (!master?.running) return [];
    const masterPort = ctx.service.config.ports.find((p) => p.name === REDIS_PORT_NAME)?.container ?? 6379;
    const password = ctx.secret(REDIS_PASSWORD);
    const actions: string[] = [];
    for (const component of health.components) {
      if (component.name === master.containerName || component.role !== 'replica' || component.status === 'healthy') continue;
      const member = ctx.members.find((m) => m.containerName === component.name);
      if (!member?.running) continue;
      try {
        const action = await connect(member.hostPorts[REDIS_PORT_NAME], password, async (link) => {
          const repl = parseReplication(parseInfo(String(await link.command('INFO', 'replication'))));
          if (repl.role !== 'replica' || (repl.masterHost === master.hostname && repl.masterPort === masterPort)) return undefined;
          await link.command('REPLICAOF', master.hostname, String(masterPort));
          return `${component.name}: replicated ${repl.masterHost}:${repl.masterPort} (link ${repl.linkStatus ?? '?'}), now a replica of the master ${master.hostname}:${masterPort} (REPLICAOF)`;
        });
        if (action) actions.push(action);
      } catch (error) {
        actions.push(`${component.name}: could not be pointed at ${master.hostname}:${masterPort} (${errorMessage(error)})`);
      }
    }
    return actions;
  };
}

export const repairRedis = createRedisRepair();
