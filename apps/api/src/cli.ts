// The API's command line: `migrate` applies pending migrations, `seed` loads
// the synthetic data (migrating first). Same PostgreSQL environment as the
// server (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD or
// POSTGRES_SUPERUSER_PASSWORD). `nx run api:migrate` / `api:seed` run it
// from source against the running stack; the image ships it as cli.js.
//
//   node cli.js migrate [--dir <migrations dir>]
//   node cli.js seed    [--dir <migrations dir>]
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { ConfigError, loadConfig } from './config';
import { describeError } from './errors';
import { createLogger } from './logger';
import {
  defaultMigrationsDir,
  describeMigration,
  type MigrationClient,
  postgratorMigrations,
  runMigrations,
  StartupError,
} from './migrations';
import { generateSeedData, loadSeedData, SEED } from './seed';

const USAGE = `usage: cli <migrate|seed> [--dir <migrations dir>]
  migrate   apply pending migrations (postgrator, history in "schemaversion"), print the schema version
  seed      migrate, then upsert the deterministic synthetic data (300 students, 24 courses, 900 enrollments)
  --dir     migrations directory (default: ${defaultMigrationsDir()})
environment: PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD (or POSTGRES_SUPERUSER_PASSWORD), STARTUP_TIMEOUT_SECONDS (default here: 10)`;

// Not the server's 60 s: a person is waiting. STARTUP_TIMEOUT_SECONDS still wins when set.
const CLI_TIMEOUT_SECONDS = 10;

function fail(message: string): never {
  process.stderr.write(`paws360-api: ${message}\n`);
  process.exit(1);
}

async function main(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    fail(`${describeError(err)}\n${USAGE}`);
  }
  const [command, ...extra] = parsed.positionals;
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if ((command !== 'migrate' && command !== 'seed') || extra.length > 0) fail(`expected one command, migrate or seed\n${USAGE}`);

  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
  const { pg } = config;
  const target = `${pg.host}:${pg.port}/${pg.database}`;
  const dir = parsed.values.dir ?? defaultMigrationsDir();
  const logger = createLogger(config.envKeys.includes('LOG_LEVEL') ? config.logLevel : 'warn');
  const timeoutSeconds = config.envKeys.includes('STARTUP_TIMEOUT_SECONDS') ? config.startupTimeoutSeconds : CLI_TIMEOUT_SECONDS;

  // One connection per attempt, as the pool would give (a failed attempt's connection is dropped).
  let client: Client | undefined;
  const pool = {
    async connect(): Promise<MigrationClient> {
      const c = new Client({ ...pg, application_name: 'paws360-api-cli', connectionTimeoutMillis: 3000 });
      c.on('error', () => undefined); // a dropped connection surfaces on the next query
      try {
        await c.connect();
      } catch (err) {
        await c.end().catch(() => undefined);
        throw err;
      }
      client = c;
      return {
        query: (sql: string) => c.query(sql),
        release: (err?: Error | boolean) => {
          if (err) void c.end().catch(() => undefined);
        },
      };
    },
  };

  const started = Date.now();
  let result;
  try {
    result = await runMigrations(pool, { target, timeoutMs: timeoutSeconds * 1000, logger, apply: postgratorMigrations(dir, pg.database, logger) });
  } catch (err) {
    await client?.end().catch(() => undefined);
    const reason = err instanceof StartupError ? err.message : describeError(err);
    fail(
      `${command} failed: ${reason}\n` +
        `  PostgreSQL: ${pg.user}@${target} (password ${pg.password ? 'set' : 'NOT set'})\n` +
        `  From the host, run it through Nx so the stack's published port and password are set: npx nx run api:${command}\n` +
        `  (or start the stack first: npx nx run-many -t up -p router; or set PGHOST/PGPORT/PGPASSWORD yourself)`,
    );
  }
  const migrateMs = Date.now() - started;
  const version = result.current.at(-1)?.version ?? 0;
  if (result.applied.length === 0) process.stdout.write(`migrate: ${target} is up to date at version ${version} (${migrateMs} ms)\n`);
  else {
    process.stdout.write(`migrate: applied ${result.applied.map(describeMigration).join(', ')} to ${target} in ${migrateMs} ms\n`);
  }
  process.stdout.write(`migrate: schema version ${version}: ${result.current.map(describeMigration).join(', ')}\n`);

  if (command === 'seed') {
    const c = client;
    if (!c) fail('seed: no connection after migrating');
    const data = generateSeedData();
    const seedStarted = Date.now();
    try {
      await c.query('BEGIN');
      // Two seeders at once would both insert the same missing rows: one waits for the other.
      await c.query('SELECT pg_advisory_xact_lock(360360002)');
      const loaded = await loadSeedData(c, data);
      await c.query('COMMIT');
      const line = (what: string, total: number, n: { inserted: number; updated: number }) =>
        `${total} ${what} (${n.inserted} new${n.updated ? `, ${n.updated} updated` : ''})`;
      process.stdout.write(
        `seed: ${line('students', data.students.length, loaded.students)}, ${line('courses', data.courses.length, loaded.courses)}, ` +
          `${line('enrollments', data.enrollments.length, loaded.enrollments)} from PRNG seed ${SEED} in ${Date.now() - seedStarted} ms\n` +
          `seed: cached API reads may show the old data until CACHE_TTL_SECONDS pass (or: npx nx run redis:flush)\n`,
      );
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      await c.end().catch(() => undefined);
      fail(`seed failed on ${target}: ${describeError(err)}`);
    }
  }
  await client?.end().catch(() => undefined);
}

main(process.argv.slice(2)).catch((err: unknown) => fail(`fatal: ${(err as Error)?.stack ?? String(err)}`));
