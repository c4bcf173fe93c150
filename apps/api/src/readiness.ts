// GET /readyz: ready only when PostgreSQL, reached through PGHOST, is a
// primary (pg_is_in_recovery() = false) and the Redis master answers PING.
import { describeError } from './errors';

export interface DependencyCheck {
  name: string;
  /** Resolves when healthy; throws an Error whose message says why not. */
  check(): Promise<void>;
}

export type CheckResult = { status: 'ok' } | { status: 'fail'; error: string };

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, CheckResult>;
}

export type ReadinessProbe = () => Promise<ReadinessReport>;

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs every check concurrently, each bounded by timeoutMs. */
export function createReadinessProbe(checks: DependencyCheck[], timeoutMs = 2000): ReadinessProbe {
  return async () => {
    const results = await Promise.all(
      checks.map(async (c): Promise<[string, CheckResult]> => {
        try {
          await withTimeout(c.check(), timeoutMs, `${c.name} check`);
          return [c.name, { status: 'ok' }];
        } catch (err) {
          return [c.name, { status: 'fail', error: describeError(err) }];
        }
      }),
    );
    return { ready: results.every(([, r]) => r.status === 'ok'), checks: Object.fromEntries(results) };
  };
}

export interface PgQueryable {
  query(text: string): Promise<{ rows: Array<Record<string, unknown>> }>;
}

export function postgresPrimaryCheck(db: PgQueryable, target: string): DependencyCheck {
  return {
    name: 'postgres',
    async check() {
      const { rows } = await db.query('select pg_is_in_recovery() as in_recovery');
      const inRecovery = rows[0]?.in_recovery;
      if (inRecovery === true) throw new Error(`${target} is a replica (pg_is_in_recovery() = true), not the primary`);
      if (inRecovery !== false) throw new Error(`unexpected answer to pg_is_in_recovery() from ${target}: ${JSON.stringify(rows[0])}`);
    },
  };
}

export interface RedisPingable {
  /** ioredis connection status: 'ready' once connected to the master. */
  readonly status: string;
  ping(): Promise<string>;
  role(): Promise<unknown[]>;
}

/**
 * The Redis master: the client must be connected (ioredis resolves the master
 * through the Sentinels), answer PING, and still be a master (after a
 * failover the old master comes back as a replica).
 */
export function redisMasterCheck(redis: RedisPingable, masterName: string, lastError: () => string | undefined): DependencyCheck {
  return {
    name: 'redis',
    async check() {
      if (redis.status !== 'ready') {
        const last = lastError();
        throw new Error(`not connected to the master "${masterName}" (client status: ${redis.status})${last ? `; last error: ${last}` : ''}`);
      }
      const pong = await redis.ping();
      if (pong !== 'PONG') throw new Error(`PING answered ${JSON.stringify(pong)}, not PONG`);
      const role = await redis.role();
      if (role[0] !== 'master') throw new Error(`connected server is a ${String(role[0])}, not the master "${masterName}"`);
    },
  };
}
