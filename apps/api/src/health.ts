// GET /actuator/health (and /readyz): UP only when PostgreSQL, reached through
// PGHOST, is a primary (pg_is_in_recovery() = false) and the Redis master the
// Sentinels name answers PING as a master. The shape is Spring Boot
// Actuator's, which the production backend exposed.
import { describeError } from './errors';

export type Status = 'UP' | 'DOWN';

export interface DependencyCheck {
  /** The component's name in the report: "db", "cache". */
  name: string;
  /** Resolves with details when healthy; throws an Error whose message says why not. */
  check(): Promise<Record<string, unknown>>;
}

export type ComponentHealth = { status: 'UP'; details: Record<string, unknown> } | { status: 'DOWN'; error: string };

export interface HealthReport {
  status: Status;
  components: Record<string, ComponentHealth>;
}

export type HealthProbe = () => Promise<HealthReport>;

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs every check concurrently, each bounded by timeoutMs. */
export function createHealthProbe(checks: DependencyCheck[], timeoutMs = 2000): HealthProbe {
  return async () => {
    const results = await Promise.all(
      checks.map(async (c): Promise<[string, ComponentHealth]> => {
        try {
          return [c.name, { status: 'UP', details: await withTimeout(c.check(), timeoutMs, `${c.name} check`) }];
        } catch (err) {
          return [c.name, { status: 'DOWN', error: describeError(err) }];
        }
      }),
    );
    return { status: results.every(([, r]) => r.status === 'UP') ? 'UP' : 'DOWN', components: Object.fromEntries(results) };
  };
}

export interface PgQueryable {
  query(text: string): Promise<{ rows: Array<Record<string, unknown>> }>;
}

export function postgresPrimaryCheck(db: PgQueryable, target: string): DependencyCheck {
  return {
    name: 'db',
    async check() {
      const { rows } = await db.query('select pg_is_in_recovery() as in_recovery, version() as version');
      const inRecovery = rows[0]?.in_recovery;
      if (inRecovery === true) throw new Error(`${target} is a replica (pg_is_in_recovery() = true), not the primary`);
      if (inRecovery !== false) throw new Error(`unexpected answer to pg_is_in_recovery() from ${target}: ${JSON.stringify(rows[0])}`);
      const version = String(rows[0]?.version ?? '').split(' on ')[0];
      return { database: 'PostgreSQL', version, target, primary: true };
    },
  };
}

export interface RedisPingable {
  /** ioredis connection status: 'ready' once connected to the master. */
  readonly status: string;
  ping(): Promise<string>;
  role(): Promise<unknown[]>;
  /** The socket, for the master's address. */
  readonly stream?: { remoteAddress?: string; remotePort?: number };
}

/**
 * The Redis master: the client must be connected (ioredis resolves the master
 * through the Sentinels), answer PING, and still be a master (after a
 * failover the old master comes back as a replica).
 */
export function redisMasterCheck(redis: RedisPingable, masterName: string, lastError: () => string | undefined): DependencyCheck {
  return {
    name: 'cache',
    async check() {
      if (redis.status !== 'ready') {
        const last = lastError();
        throw new Error(`not connected to the Redis master "${masterName}" (client status: ${redis.status})${last ? `; last error: ${last}` : ''}`);
      }
      const pong = await redis.ping();
      if (pong !== 'PONG') throw new Error(`PING answered ${JSON.stringify(pong)}, not PONG`);
      const role = await redis.role();
      if (role[0] !== 'master') throw new Error(`connected server is a ${String(role[0])}, not the master "${masterName}"`);
      const address = redis.stream?.remoteAddress ? `${redis.stream.remoteAddress}:${redis.stream.remotePort}` : undefined;
      return { cache: 'Redis', master: masterName, ...(address ? { address } : {}) };
    },
  };
}
