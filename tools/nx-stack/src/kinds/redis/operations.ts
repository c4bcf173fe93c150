import { StackError } from '../../core/errors';
import { connectRedis, errorMessage, loadRedisClass, parseInfo, type RedisConnector } from '../../clients/redis';
import type { MemberView, ProbeContext } from '../kind';
import { REDIS_PASSWORD, REDIS_PORT_NAME } from './names';


/** The member that answers INFO with role:master right now (the one writes go to). */
export async function findRedisMaster(ctx: ProbeContext, connect: RedisConnector = connectRedis): Promise<MemberView> {
  const reasons: string[] = [];
  const password = ctx.secret(REDIS_PASSWORD); // a stack started elsewhere has none here: say so, not NOAUTH
  for (const member of ctx.members.filter((m) => m.running)) {
    const port = member.hostPorts[REDIS_PORT_NAME];
    try {
      const info = parseInfo(String(await connect(port, password, (link) => link.command('INFO', 'replication'))));
      if (info.role === 'master') return member;
      reasons.push(`${member.containerName}: ${info.role === 'slave' ? 'replica' : (info.role ?? 'no role')}`);
    } catch (error) {
      reasons.push(`${member.containerName}: ${errorMessage(error)}`);
    }
  }
  throw new StackError(
    `${ctx.service.name} has no master answering in stack "${ctx.stack}"` +
      (reasons.length ? ` (${reasons.join('; ')})` : ': no member is running') +
      `. Start or repair it: npx nx run ${ctx.service.name}:up`,
  );
}

export interface FlushResult {
  master: string;
  /** Keys the master held before the flush (DBSIZE of every logical database). */
  keysRemoved: number;
}

/** FLUSHALL on the master (the replicas follow through replication): the cache starts empty. */
export async function flushRedis(ctx: ProbeContext, connect: RedisConnector = connectRedis): Promise<FlushResult> {
  const master = await findRedisMaster(ctx, connect);
  return connect(master.hostPorts[REDIS_PORT_NAME], ctx.secret(REDIS_PASSWORD), async (link) => {
    const keyspace = parseInfo(String(await link.command('INFO', 'keyspace')));
    const keysRemoved = Object.values(keyspace).reduce((sum, value) => sum + Number(/keys=(\d+)/.exec(value)?.[1] ?? 0), 0);
    await link.command('FLUSHALL');
    return { master: master.containerName, keysRemoved };
  });
}

/** One command the master executed, as MONITOR reports it. */
export interface MonitoredCommand {
  time: number;
  member: string;
  client: string;
  db: number;
  args: string[];
}

/**
 * Streams every command the master executes until `signal` aborts. When the
 * master goes away (a failover), it finds the new one and goes on, saying so.
 */
export async function monitorRedis(
  ctx: () => Promise<ProbeContext>,
  onCommand: (command: MonitoredCommand) => void,
  onNotice: (line: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const Redis = loadRedisClass();
  while (!signal.aborted) {
    const context = await ctx();
    let master: MemberView;
    try {
      master = await findRedisMaster(context);
    } catch (error) {
      onNotice(`${errorMessage(error)}; trying again in 1 s`);
      await sleep(1000, signal);
      continue;
    }
    onNotice(`monitoring ${master.containerName} (127.0.0.1:${master.hostPorts[REDIS_PORT_NAME]}), the master; Ctrl-C to stop`);
    const client = new Redis({ host: '127.0.0.1', port: master.hostPorts[REDIS_PORT_NAME], password: context.secret(REDIS_PASSWORD) || undefined, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const monitor = await client.monitor();
      await new Promise<void>((resolve) => {
        const done = () => resolve();
        signal.addEventListener('abort', done, { once: true });
        monitor.on('monitor', (time: string, args: string[], source: string, database: string) =>
          onCommand({ time: Number(time), member: master.containerName, client: source, db: Number(database), args }),
        );
        monitor.on('end', done);
        monitor.on('close', done);
        monitor.on('error', () => undefined);
      });
      monitor.disconnect();
      if (!signal.aborted) onNotice(`${master.containerName} stopped answering; looking for the master again`);
    } catch (error) {
      if (!signal.aborted) onNotice(`${master.containerName}: ${errorMessage(error)}; looking for the master again`);
      await sleep(500, signal);
    } finally {
      client.disconnect();
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}
