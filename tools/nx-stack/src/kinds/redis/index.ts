import type { KindModule, ServiceHealth } from '../kind';
import { allHealthy, healthyHolderOf, roleServing } from '../readiness';
import { REDIS_ROLES, redisProbe, type RedisRole } from './redis-probe';
import { redisParity } from './parity';
import { parseRedisLogLine } from '../log-line';
import { repairRedis } from './repair';

export { REDIS_ROLES, type RedisRole };
export { REDIS_PASSWORD } from './names';

const MASTER: RedisRole = 'master';

/** The healthy master's container name. */
export const redisMasterOf = (health: ServiceHealth) => healthyHolderOf(health, MASTER);
export const isRedisReplica = (role: string | undefined) => role === ('replica' satisfies RedisRole);

/** Redis: ready once one master takes writes; healthy once every replica is linked to it. */
export const redisKind: KindModule<RedisRole> = {
  kind: 'redis',
  roles: REDIS_ROLES,
  probe: redisProbe,
  readyForDependents: (health) => roleServing(health, MASTER),
  fullyHealthy: allHealthy,
  dataKeepsSecrets: true,
  // Asks the Sentinels who the master is when it starts (an old master must not come back as a second one).
  knows: ['sentinel'],
  // A replica left pointing at a dead master (stack:recover).
  repair: repairRedis,
  parity: redisParity,
  // Every member through redis_exporter.
  scrape: (s) => [{ job: s.name, targets: s.endpoints.redis ?? [], exporter: 'redis' }],
  parseLogLine: parseRedisLogLine,
  simulations: [
    {
      name: 'fail-master',
      description:
        'Hard-stop the Redis master while a client writes: the Sentinels promote a replica, no acknowledged write is lost; then the old master rejoins as a replica',
    },
  ],
  operations: [
    { name: 'flush', description: 'Empty the cache: FLUSHALL on the Redis master (the replicas follow); asks first unless --yes' },
    { name: 'monitor', description: 'Print every command the Redis master executes, live (MONITOR), following it across a failover; Ctrl-C to stop' },
  ],
};
