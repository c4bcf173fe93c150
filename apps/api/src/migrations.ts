// Start-up schema migration: idempotent, serialised across API replicas by
// an advisory lock, retried while the database is not reachable yet (the
// stack may still be electing its first leader), bounded by a deadline.
import { describeError } from './errors';
import type { Logger } from './logger';

export const STUDENTS_TABLE_SQL = `CREATE TABLE IF NOT EXISTS students (
  id bigserial PRIMARY KEY,
  student_number text UNIQUE NOT NULL,
  name text NOT NULL,
  email text NOT NULL,
  enrolled_at timestamptz DEFAULT now()
)`;

// Two replicas running CREATE TABLE IF NOT EXISTS at the same moment can
// still collide on the catalog (duplicate key in pg_type): take a lock first.
const MIGRATION_LOCK_ID = 360_360_001;

export interface MigrationClient {
  query(sql: string): Promise<unknown>;
  /** pg's PoolClient.release: an error destroys the connection instead of reusing it. */
  release(err?: Error | boolean): void;
}

export interface MigrationPool {
  connect(): Promise<MigrationClient>;
}

export interface MigrationOptions {
  /** "host:port/database", for messages. */
  target: string;
  timeoutMs: number;
  logger: Logger;
  signal?: AbortSignal;
  initialDelayMs?: number;
  maxDelayMs?: number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}

export class StartupAbortedError extends Error {
  constructor() {
    super('start-up aborted (shutting down)');
    this.name = 'StartupAbortedError';
  }
}

/** Errors retrying cannot fix: fail at once with the reason. */
export function fatalMigrationHint(err: unknown): string | undefined {
  const code = (err as { code?: unknown })?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (code === '28P01' || code === '28000') return 'check PGUSER and PGPASSWORD (or POSTGRES_SUPERUSER_PASSWORD)';
  if (/password must be a string|password authentication failed/i.test(message)) {
    return 'the server wants a password: set PGPASSWORD (or POSTGRES_SUPERUSER_PASSWORD)';
  }
  if (code === '42501') return `PGUSER lacks the privilege to create the students table`;
  return undefined;
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new StartupAbortedError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new StartupAbortedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

async function migrateOnce(pool: MigrationPool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_ID})`);
    await client.query(STUDENTS_TABLE_SQL);
    await client.query('COMMIT');
  } catch (err) {
    // Destroy rather than reuse a connection left inside a failed transaction.
    client.release(err instanceof Error ? err : true);
    throw err;
  }
  client.release();
}

/** Applies the schema; retries with backoff until `timeoutMs`, then throws StartupError. */
export async function runMigrations(pool: MigrationPool, options: MigrationOptions): Promise<void> {
  const { target, timeoutMs, logger, signal } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const maxDelayMs = options.maxDelayMs ?? 5000;
  let delayMs = options.initialDelayMs ?? 500;
  const deadline = now() + timeoutMs;

  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw new StartupAbortedError();
    try {
      await migrateOnce(pool);
      logger.info('database schema is up to date', { target, attempt });
      return;
    } catch (err) {
      if (signal?.aborted) throw new StartupAbortedError();
      const reason = describeError(err);
      const hint = fatalMigrationHint(err);
      if (hint) throw new StartupError(`PostgreSQL at ${target} refused the start-up migration: ${reason} (${hint})`, { cause: err });
      const remaining = deadline - now();
      if (remaining <= 0) {
        throw new StartupError(
          `PostgreSQL at ${target} was not usable within ${Math.round(timeoutMs / 1000)} s (${attempt} attempts); ` +
            `last error: ${reason}. Check PGHOST/PGPORT/PGDATABASE and that the database is up, ` +
            `or allow longer with STARTUP_TIMEOUT_SECONDS.`,
          { cause: err },
        );
      }
      const wait = Math.min(delayMs, remaining);
      logger.warn('database not ready yet; will retry', { target, attempt, error: reason, retryInMs: wait });
      await sleep(wait, signal);
      delayMs = Math.min(delayMs * 2, maxDelayMs);
    }
  }
}
