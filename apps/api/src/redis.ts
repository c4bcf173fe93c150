// The Redis client: ioredis asks the Sentinels for the current master of
// REDIS_MASTER_NAME and follows failovers (failoverDetector subscribes to
// the Sentinels' +switch-master and reconnects to the new master at once).
// Commands fail fast while disconnected (no offline queue), so a Redis
// outage only turns cache reads into misses.
import Redis from 'ioredis';
import type { Config } from './config';
import { describeError } from './errors';
import type { Logger } from './logger';

export interface RedisConnection {
  client: Redis;
  /** The latest connection error, for the health check (cleared once ready). */
  lastError(): string | undefined;
  /** Starts connecting (and reconnecting, for ever); errors surface in lastError() and the log. */
  connect(): void;
  /** QUIT when connected (pending replies first), else just drop the sockets. */
  close(): Promise<void>;
}

export function createRedis(redis: Config['redis'], logger: Logger): RedisConnection {
  let lastError: string | undefined;
  let lastLogged = '';
  let lastLoggedAt = 0;

  const client = new Redis({
    sentinels: redis.sentinels,
    name: redis.masterName,
    role: 'master',
    password: redis.password || undefined,
    failoverDetector: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 1000,
    connectTimeout: 3000,
    sentinelMaxConnections: 3,
    // From the host (api:dev), the Sentinels announce redis-N:6379, names only
    // the stack's network resolves: map them to the published 127.0.0.1 ports,
    // and keep to the Sentinels we were given (they announce each other by name too).
    ...(redis.natMap ? { natMap: redis.natMap, updateSentinels: false } : {}),
    // Connected by connect() once the database is migrated, so start-up
    // logs are about the one dependency start-up waits for.
    lazyConnect: true,
  });

  client.on('error', (err: unknown) => {
    lastError = describeError(err);
    // ioredis repeats the same error on every reconnect attempt (only the
    // back-off in it changes): log each distinct one, a repeat every 30 s.
    const kind = lastError.replace(/\d+/g, '#');
    const now = Date.now();
    if (kind !== lastLogged || now - lastLoggedAt > 30_000) {
      logger.warn({ master: redis.masterName, error: lastError }, 'redis connection error');
      lastLogged = kind;
      lastLoggedAt = now;
    }
  });
  client.on('ready', () => {
    lastError = undefined;
    lastLogged = '';
    // After a failover this line repeats with the new master's address.
    const address = client.stream ? `${client.stream.remoteAddress}:${client.stream.remotePort}` : undefined;
    logger.info({ master: redis.masterName, address }, 'redis connected');
  });

  return {
    client,
    lastError: () => lastError,
    connect: () => {
      client.connect().catch((err: unknown) => {
        lastError = describeError(err);
      });
    },
    close: async () => {
      if (client.status === 'ready') {
        try {
          await client.quit();
          return;
        } catch {
          // fall through: drop the connection
        }
      }
      client.disconnect();
    },
  };
}
