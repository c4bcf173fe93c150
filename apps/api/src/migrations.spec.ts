import { abortableSleep, type MigrationClient, type MigrationPool, runMigrations, StartupAbortedError, StartupError, STUDENTS_TABLE_SQL } from './migrations';
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
        return {};
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

describe('runMigrations', () => {
  it('creates the students table inside a locked transaction and returns the connection', async () => {
    const pool = new FakePool();
    const logger = new RecordingLogger();
    await runMigrations(pool, { target, timeoutMs: 60_000, logger, ...fakeTime() });
    expect(pool.queries).toEqual(['BEGIN', expect.stringMatching(/^SELECT pg_advisory_xact_lock\(\d+\)$/), STUDENTS_TABLE_SQL, 'COMMIT']);
    expect(pool.releases).toEqual([undefined]);
    expect(STUDENTS_TABLE_SQL).toMatch(/^CREATE TABLE IF NOT EXISTS students \(/);
    for (const column of ['id bigserial PRIMARY KEY', 'student_number text UNIQUE NOT NULL', 'name text NOT NULL', 'email text NOT NULL', 'enrolled_at timestamptz DEFAULT now()']) {
      expect(STUDENTS_TABLE_SQL).toContain(column);
    }
    expect(logger.at('info')[0]).toEqual({ level: 'info', msg: 'database schema is up to date', fields: { target, attempt: 1 } });
  });

  it('retries with growing back-off while the database is unreachable, then succeeds', async () => {
    const pool = new FakePool([refused(), refused(), refused(), refused(), refused()]);
    const time = fakeTime();
    const logger = new RecordingLogger();
    await runMigrations(pool, { target, timeoutMs: 60_000, logger, ...time, initialDelayMs: 500, maxDelayMs: 2000 });
    expect(pool.connects).toBe(6);
    expect(time.sleeps).toEqual([500, 1000, 2000, 2000, 2000]);
    expect(logger.at('warn')[0].fields).toMatchObject({ attempt: 1, error: 'connect ECONNREFUSED 172.18.0.4:5432', retryInMs: 500 });
  });

  it('destroys the connection when a statement fails (read-only replica during failover) and retries', async () => {
    let failures = 1;
    const pool = new FakePool([], (sql) =>
      sql.startsWith('CREATE') && failures-- > 0 ? codedError('cannot execute CREATE TABLE in a read-only transaction', '25006') : undefined,
    );
    await runMigrations(pool, { target, timeoutMs: 60_000, logger: new RecordingLogger(), ...fakeTime() });
    expect(pool.releases[0]).toBeInstanceOf(Error);
    expect(pool.releases[1]).toBeUndefined();
  });

  it('gives up at the deadline with a message naming the target, the last error and the knob', async () => {
    const pool = new FakePool(Array.from({ length: 100 }, refused));
    const time = fakeTime();
    const err = await runMigrations(pool, { target, timeoutMs: 10_000, logger: new RecordingLogger(), ...time }).catch((e: unknown) => e);
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
    await expect(runMigrations(pool, { target, timeoutMs: 60_000, logger: new RecordingLogger(), ...time })).rejects.toThrow(
      'PostgreSQL at router-1:5432/paws360 refused the start-up migration: password authentication failed for user "postgres" [28P01] (check PGUSER and PGPASSWORD (or POSTGRES_SUPERUSER_PASSWORD))',
    );
    expect(time.sleeps).toEqual([]);
  });

  it('stops retrying when aborted (a signal during start-up)', async () => {
    const controller = new AbortController();
    const pool = new FakePool(Array.from({ length: 100 }, refused));
    const promise = runMigrations(pool, { target, timeoutMs: 60_000, logger: new RecordingLogger(), signal: controller.signal, initialDelayMs: 10_000 });
    setTimeout(() => controller.abort(), 20);
    const started = Date.now();
    await expect(promise).rejects.toBeInstanceOf(StartupAbortedError);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('abortableSleep', () => {
  it('resolves after the delay and rejects at once when already aborted', async () => {
    await expect(abortableSleep(1)).resolves.toBeUndefined();
    await expect(abortableSleep(1000, AbortSignal.abort())).rejects.toBeInstanceOf(StartupAbortedError);
  });
});
