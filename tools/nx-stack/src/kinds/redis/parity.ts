import { connectRedis, parseInfo, type RedisConnector } from '../../clients/redis';
import type { ParamValue } from '../../core/parity-values';
import type { ServiceDefinition } from '../../core/service-config';
import type { ProbeContext } from '../kind';
import { confDirectives, readEveryMember, serviceFile, type KindParity, type LiveParameters } from '../parity';
import { REDIS_PASSWORD, REDIS_PORT_NAME } from './names';


/** The redis.conf settings compared (config/parameters.yaml), with Redis's own default for those the template leaves out. */
export const REDIS_SETTINGS: Record<string, string> = {
  appendonly: 'no',
  appendfsync: 'everysec',
  'min-replicas-to-write': '0',
  'min-replicas-max-lag': '10',
  maxmemory: '0',
  'maxmemory-policy': 'noeviction',
};

/** infrastructure/redis/redis.conf.tmpl: what every member starts with. */
export function redisDeclared(service: ServiceDefinition, workspaceRoot: string): Record<string, ParamValue> {
  const conf = confDirectives(serviceFile(service, workspaceRoot, 'redis.conf.tmpl'));
  return Object.fromEntries(Object.entries(REDIS_SETTINGS).map(([name, fallback]) => [name, conf[name] ?? fallback]));
}

/** CONFIG GET and INFO of every running member; members = the master's connected replicas + 1. */
export function redisLive(connect: RedisConnector = connectRedis) {
  return (ctx: ProbeContext): Promise<LiveParameters> =>
    readEveryMember(ctx.members, (view) =>
      connect(view.hostPorts[REDIS_PORT_NAME], ctx.secret(REDIS_PASSWORD), async (link) => {
        // Sent together: one round trip's wait for all of them.
        const names = Object.keys(REDIS_SETTINGS);
        const [server, replication, ...replies] = await Promise.all([
          link.command('INFO', 'server'),
          link.command('INFO', 'replication'),
          ...names.map((name) => link.command('CONFIG', 'GET', name)),
        ]);
        const values: Record<string, ParamValue> = {};
        replies.forEach((reply, i) => {
          if (Array.isArray(reply) && reply.length >= 2) values[names[i]] = String(reply[1]);
        });
        const info = parseInfo(`${String(server)}\n${String(replication)}`);
        values.version = info.redis_version;
        if (info.role === 'master') values.members = Number(info.connected_slaves ?? 0) + 1;
        return values;
      }),
    );
}

export const redisParity: KindParity = { declared: redisDeclared, live: redisLive() };
