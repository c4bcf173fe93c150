// Versioned schema migrations: the SQL files in apps/api/migrations
// (postgrator's naming, 001.do.create-students.sql …), applied by postgrator
// and recorded in its history table `schemaversion`. One run is one
// transaction under an advisory lock, so API replicas and `api:migrate`
// never race and a failed migration leaves nothing half-done (PostgreSQL DDL
// is transactional; a migration therefore cannot use CREATE INDEX
// CONCURRENTLY). While the database is not reachable yet (the stack may still
// be electing its first leader) the run is retried until a deadline.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeError } from './errors';
import type { Logger } from './logger';

// Held for the migration transaction: a second migrator waits, then finds nothing to do.
export const MIGRATION_LOCK_ID = 360_360_001;

/** postgrator's history table. */
export const SCHEMA_TABLE = 'schemaversion';

export interface MigrationClient {
  query(sql: string): Promise<{ rows: Array<Record<string, unknown>> }>;
  /** pg's PoolClient.release: an error destroys the connection instead of reusing it. */
  release(err?: Error | boolean): void;
}

export interface MigrationPool {
  connect(): Promise<MigrationClient>;
}

export interface MigrationRecord {
  version: number;
  name: string;
}

export interface MigrationResult {
  /** Applied by this run, in order (empty when the schema was up to date). */
  applied: MigrationRecord[];
  /** Every migration the database has now, in order. */
  current: MigrationRecord[];
}

/** Applies what is pending, on a client already inside the locked transaction. */
export type ApplyMigrations = (client: MigrationClient) => Promise<MigrationResult>;

export interface MigrationOptions {
  /** "host:port/database", for messages. */
  target: string;
  timeoutMs: number;
  logger: Logger;
  apply: ApplyMigrations;
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
  if (code === 'ENOENT') return 'the migrations directory is missing: check --dir';
  if (code === '3D000') return 'the database does not exist: check PGDATABASE';
  if (code === '42501') return 'PGUSER lacks the privilege to change the schema';
  // A broken migration file or checksum: retrying the same SQL cannot help.
  if (typeof code === 'string' && /^(42|22|23)/.test(code)) return 'a migration failed: fix the SQL file named above';
  if (/MD5 checksum failed|Two migrations found/i.test(message)) return 'an applied migration file was changed or duplicated: restore it';
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

async function migrateOnce(pool: MigrationPool, apply: ApplyMigrations): Promise<MigrationResult> {
  const client = await pool.connect();
  let result: MigrationResult;
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_ID})`);
    result = await apply(client);
    await client.query('COMMIT');
  } catch (err) {
    // Destroy rather than reuse a connection left inside a failed transaction.
    client.release(err instanceof Error ? err : true);
    throw err;
  }
  client.release();
  return result;
}

/** Applies pending migrations; retries with backoff until `timeoutMs`, then throws StartupError. */
export async function runMigrations(pool: MigrationPool, options: MigrationOptions): Promise<MigrationResult> {
  const { target, timeoutMs, logger, signal, apply } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const maxDelayMs = options.maxDelayMs ?? 5000;
  let delayMs = options.initialDelayMs ?? 500;
  const deadline = now() + timeoutMs;

  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw new StartupAbortedError();
    try {
      const result = await migrateOnce(pool, apply);
      const version = result.current.at(-1)?.version ?? 0;
      logger.info({ target, attempt, version, applied: result.applied.map(describeMigration) }, 'database schema is up to date');
      return result;
    } catch (err) {
      if (signal?.aborted) throw new StartupAbortedError();
      const reason = describeError(err);
      const hint = fatalMigrationHint(err);
      if (hint) throw new StartupError(`PostgreSQL at ${target} refused the migration: ${reason} (${hint})`, { cause: err });
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
      logger.warn({ target, attempt, error: reason, retryInMs: wait }, 'database not ready yet; will retry');
      await sleep(wait, signal);
      delayMs = Math.min(delayMs * 2, maxDelayMs);
    }
  }
}

export const describeMigration = (m: MigrationRecord) => `${String(m.version).padStart(3, '0')} ${m.name}`;

/** The migrations shipped with the API: apps/api/migrations in the source tree, ./migrations next to the bundle. */
export function defaultMigrationsDir(): string {
  // Bundled (dist/apps/api/main.js, the image's /app/main.js): migrations/ sits beside it.
  // From source (src/*.ts under @swc-node/register, or jest): one level up.
  return __filename.endsWith('.ts') ? join(__dirname, '..', 'migrations') : join(__dirname, 'migrations');
}

export interface MigrationFile extends MigrationRecord {
  /** postgrator's checksum: md5 of the file's text. */
  md5: string;
}

/** The "do" migrations in `dir`, named as postgrator names them (<version>.do.<name>.sql), by version. */
export function readMigrationFiles(dir: string): MigrationFile[] {
  return readdirSync(dir)
    .map((file) => ({ file, parts: file.split('.') }))
    .filter(({ parts }) => parts.length >= 3 && parts.at(-1) === 'sql' && parts[1] === 'do' && /^\d+$/.test(parts[0]))
    .map(({ file, parts }) => ({
      version: Number(parts[0]),
      name: parts.length > 3 ? parts[2] : '',
      md5: createHash('md5').update(readFileSync(join(dir, file), 'utf8'), 'utf8').digest('hex'),
    }))
    .sort((a, b) => a.version - b.version);
}

/** True when the database recorded exactly these files, checksums included: nothing to apply, nothing to check. */
export function alreadyApplied(files: MigrationFile[], recorded: MigrationFile[]): boolean {
  return files.length > 0 && files.length === recorded.length && files.every((f, i) => recorded[i].version === f.version && recorded[i].md5 === f.md5);
}

/**
 * ApplyMigrations with postgrator over the SQL files in `dir`. When the
 * history already holds exactly these files with their checksums (every
 * start-up but the first after a change, e.g. each api:dev restart), two
 * queries say so and postgrator is not even loaded.
 */
export function postgratorMigrations(dir: string, database: string, logger: Logger): ApplyMigrations {
  return async (client) => {
    const files = readMigrationFiles(dir);
    const { rows: table } = await client.query(`SELECT to_regclass('${SCHEMA_TABLE}') IS NOT NULL AS present`);
    if (table[0]?.present === true) {
      const { rows } = await client.query(`SELECT version, name, md5 FROM ${SCHEMA_TABLE} WHERE version > 0 ORDER BY version`);
      const recorded = rows.map((r) => ({ version: Number(r.version), name: String(r.name ?? ''), md5: String(r.md5 ?? '') }));
      if (alreadyApplied(files, recorded)) return { applied: [], current: recorded.map(({ version, name }) => ({ version, name })) };
    }
    // postgrator is an ES module: loaded when first used (the bundle inlines it).
    const { default: Postgrator } = await import('postgrator');
    const postgrator = new Postgrator({
      migrationPattern: `${dir.split('\\').join('/')}/*.sql`,
      driver: 'pg',
      database,
      schemaTable: SCHEMA_TABLE,
      execQuery: (sql) => client.query(sql),
    });
    postgrator.on('migration-started', (m) => logger.info({ migration: describeMigration(m), file: m.filename }, 'applying migration'));
    const available = await postgrator.getMigrations();
    if (available.length === 0) throw new Error(`no migration files (NNN.do.name.sql) in ${dir}`);
    const max = await postgrator.getMaxVersion();
    const dbVersion = await postgrator.getDatabaseVersion();
    let applied: MigrationRecord[] = [];
    if (dbVersion > max) {
      // Never migrate down (postgrator would run undo files): newer code migrated this database.
      logger.warn({ dbVersion, maxAvailable: max, dir }, 'the database schema is newer than these migrations; leaving it as it is');
    } else {
      applied = (await postgrator.migrate(String(max))).map((m) => ({ version: m.version, name: m.name }));
    }
    const { rows } = await client.query(`SELECT version, name FROM ${SCHEMA_TABLE} WHERE version > 0 ORDER BY version`);
    return { applied, current: rows.map((r) => ({ version: Number(r.version), name: String(r.name ?? '') })) };
  };
}
