import {
  abortableSleep,
  alreadyApplied,
  type ApplyMigrations,
  defaultMigrationsDir,
  type MigrationClient,
  type MigrationPool,
  runMigrations,
  StartupAbortedError,
  readMigrationFiles,
  StartupError,
} from './migrations';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codedError, RecordingLogger } from './testing/fakes';

/** A pool whose connect() fails with the queued errors, then succeeds. */
class FakePool implements MigrationPool {
  readonly queries: string[] = [];
  readonly releases: Array<Error | boolean | undefined> = [];
  connects = 0;
  constructor(
    private readonly connectFailures: Error[] = [],
    private readonly failQuery?: (sql: string) => Error | undefined,
  ) {}

  async connect(): Promise<MigrationClient> {
    this.connects++;
    const failure = this.connectFailures.shift();
    if (failure) throw failure;
    return {
      query: async (sql: string) => {
        this.queries.push(sql);
        const err = this.failQuery?.(sql);
        if (err) throw err;
        return { rows: [] };
      },
      release: (err?: Error | boolean) => {
        this.releases.push(err);
      },
    };
  }
}

/** A clock that sleep() advances, so retries take no real time. */
function fakeTime() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleeps,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

const refused = () => codedError('connect ECONNREFUSED 172.18.0.4:5432', 'ECONNREFUSED');
const target = 'router-1:5432/paws360';

/** What postgrator does inside the transaction, reduced to one statement the fake pool records. */
const current = [
  { version: 1, name: 'create-students' },
  { version: 2, name: 'create-courses-enrollments' },
];
const apply: ApplyMigrations = async (client) => {
  await client.query('-- postgrator migrate');
  return { applied: current.slice(1), current };
};

describe('runMigrations', () => {
  it('applies the migrations inside one transaction under the advisory lock, returns the connection and what it applied', async () => {
    const pool = new FakePool();
    const log = new RecordingLogger();
    const result = await runMigrations(pool, { target, timeoutMs: 60_000, logger: log.logger, apply, ...fakeTime() });
    expect(pool.queries).toEqual(['BEGIN', expect.stringMatching(/^SELECT pg_advisory_xact_lock\(\d+\)$/), '-- postgrator migrate', 'COMMIT']);
    expect(pool.releases).toEqual([undefined]);
    expect(result).toEqual({ applied: [current[1]], current });
    expect(log.at('info')[0]).toMatchObject({
      msg: 'database schema is up to date',
      target,
      attempt: 1,
      version: 2,
      applied: ['002 create-courses-enrollments'],
    });
  });

  it('retries with growing back-off while the database is unreachable, then succeeds', async () => {
    const pool = new FakePool([refused(), refused(), refused(), refused(), refused()]);
    const time = fakeTime();
    const log = new RecordingLogger();
    await runMigrations(pool, { target, timeoutMs: 60_000, logger: log.logger, apply, ...time, initialDelayMs: 500, maxDelayMs: 2000 });
    expect(pool.connects).toBe(6);
    expect(time.sleeps).toEqual([500, 1000, 2000, 2000, 2000]);
    expect(log.at('warn')[0]).toMatchObject({ attempt: 1, error: 'connect ECONNREFUSED 172.18.0.4:5432', retryInMs: 500 });
  });

  it('destroys the connection when a statement fails (read-only replica during failover) and retries', async () => {
    let failures = 1;
    const pool = new FakePool([], (sql) =>
      sql.startsWith('-- postgrator') && failures-- > 0 ? codedError('cannot execute CREATE TABLE in a read-only transaction', '25006') : undefined,
    );
    await runMigrations(pool, { target, timeoutMs: 60_000, logger: new RecordingLogger().logger, apply, ...fakeTime() });
    expect(pool.releases[0]).toBeInstanceOf(Error);
    expect(pool.releases[1]).toBeUndefined();
  });

  it('gives up at the deadline with a message naming the target, the last error and the knob', async () => {
    const pool = new FakePool(Array.from({ length: 100 }, refused));
    const time = fakeTime();
    const err = await runMigrations(pool, { target, timeoutMs: 10_000, logger: new RecordingLogger().logger, apply, ...time }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartupError);
    expect((err as Error).message).toBe(
      'PostgreSQL at router-1:5432/paws360 was not usable within 10 s (6 attempts); last error: connect ECONNREFUSED 172.18.0.4:5432. ' +
        'Check PGHOST/PGPORT/PGDATABASE and that the database is up, or allow longer with STARTUP_TIMEOUT_SECONDS.',
    );
    // 500 + 1000 + 2000 + 4000, then the last wait cut to the deadline, then one final try.
    expect(time.sleeps).toEqual([500, 1000, 2000, 4000, 2500]);
  });

  it('fails at once on a wrong password: retrying cannot fix it', async () => {
    const pool = new FakePool([codedError('password authentication failed for user "postgres"', '28P01')]);
    const time = fakeTime();
    await expect(runMigrations(pool, { target, timeoutMs: 60_000, logger: new RecordingLogger().logger, apply, ...time })).rejects.toThrow(
      'PostgreSQL at router-1:5432/paws360 refused the migration: password authentication failed for user "postgres" [28P01] (check PGUSER and PGPASSWORD (or POSTGRES_SUPERUSER_PASSWORD))',
    );
    expect(time.sleeps).toEqual([]);
  });

  it('stops retrying when aborted (a signal during start-up)', async () => {
    const controller = new AbortController();
    const pool = new FakePool(Array.from({ length: 100 }, refused));
    const promise = runMigrations(pool, { target, timeoutMs: 60_000, logger: new RecordingLogger().logger, apply, signal: controller.signal, initialDelayMs: 10_000 });
    setTimeout(() => controller.abort(), 20);
    const started = Date.now();
    await expect(promise).rejects.toBeInstanceOf(StartupAbortedError);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('fails at once when a migration file is broken: the same SQL would fail again', async () => {
    const pool = new FakePool([], (sql) => (sql.startsWith('-- postgrator') ? codedError('syntax error at or near "CRATE"', '42601') : undefined));
    const time = fakeTime();
    await expect(runMigrations(pool, { target, timeoutMs: 60_000, logger: new RecordingLogger().logger, apply, ...time })).rejects.toThrow(
      /refused the migration: syntax error at or near "CRATE" \[42601\] \(a migration failed: fix the SQL file named above\)$/,
    );
    expect(time.sleeps).toEqual([]);
    expect(pool.releases[0]).toBeInstanceOf(Error);
  });
});

describe('abortableSleep', () => {
  it('resolves after the delay and rejects at once when already aborted', async () => {
    await expect(abortableSleep(1)).resolves.toBeUndefined();
    await expect(abortableSleep(1000, AbortSignal.abort())).rejects.toBeInstanceOf(StartupAbortedError);
  });
});

describe('migration files', () => {
  it('reads the shipped migrations as postgrator names them, with its md5 checksums', () => {
    const dir = defaultMigrationsDir();
    const files = readMigrationFiles(dir);
    expect(files.map(({ version, name }) => ({ version, name }))).toEqual([
      { version: 1, name: 'create-students' },
      { version: 2, name: 'create-courses-enrollments' },
    ]);
    const md5 = createHash('md5').update(readFileSync(join(dir, '001.do.create-students.sql'), 'utf8')).digest('hex');
    expect(files[0].md5).toBe(md5);
    // 001 stays idempotent for databases the pre-migration API created.
    expect(readFileSync(join(dir, '001.do.create-students.sql'), 'utf8')).toMatch(/CREATE TABLE IF NOT EXISTS students/);
  });

  it('ignores undo files and anything not named <version>.do.<name>.sql', () => {
    const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
    for (const f of ['003.do.add-x.sql', '003.undo.add-x.sql', 'README.md', 'x.do.y.sql', '10.do.sql']) writeFileSync(join(dir, f), 'SELECT 1;');
    expect(readMigrationFiles(dir).map((f) => [f.version, f.name])).toEqual([
      [3, 'add-x'],
      [10, ''],
    ]);
  });

  it('is already applied only when every file is recorded with the same checksum, and nothing more', () => {
    const files = [
      { version: 1, name: 'a', md5: 'x' },
      { version: 2, name: 'b', md5: 'y' },
    ];
    expect(alreadyApplied(files, files)).toBe(true);
    expect(alreadyApplied(files, files.slice(0, 1))).toBe(false); // 002 pending
    expect(alreadyApplied(files, [files[0], { ...files[1], md5: 'changed' }])).toBe(false); // postgrator reports the edited file
    expect(alreadyApplied(files.slice(0, 1), files)).toBe(false); // the database is ahead
    expect(alreadyApplied([], [])).toBe(false);
  });
});
