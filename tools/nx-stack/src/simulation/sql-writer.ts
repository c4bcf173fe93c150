import type { Client } from 'pg';
import { pgClient, type PgTarget } from '../clients/postgres';
import type { AckedWrite, FailedWrite, Traffic } from './traffic';

/** The table simulations write into (in the `postgres` database, apart from the application's). */
export const WRITES_TABLE = 'paws360_sim_writes';

export interface WriterOptions {
  target: PgTarget;
  /** What the target is, for the timeline (the router's container). */
  via: string;
  run: string;
  /** Pause after each acknowledged insert. */
  intervalMs: number;
  /** Pause before reconnecting after a failure. */
  backoffMs?: number;
  /** The simulation's clock (Timeline.now), so acks line up with its events. */
  clock: () => number;
  queryTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Closes a client without waiting on a peer that may never answer (a killed or cut-off server). */
async function closeClient(client: Client | undefined): Promise<void> {
  if (!client) return;
  await Promise.race([client.end().catch(() => undefined), sleep(300)]);
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}

/** The measurement names of the Patroni simulations' writes. */
export const SQL_MEASUREMENTS = { acked: 'ackedWrites', failed: 'failedWrites', lost: 'lostWrites' } as const;

/** The key of insert `n` of a run: how a missing one is named in the report. */
export const rowKey = (run: string, n: number) => `${run}:${n}`;

/** Of `writes`, those whose number is not among the rows the leader has. */
export const missingRows = (writes: readonly AckedWrite[], stored: Set<number>) => writes.filter((w) => !stored.has(w.n));

/**
 * Inserts rows one at a time through a PostgreSQL port (the router's leader
 * port), each in its own transaction, and records every insert whose COMMIT
 * came back (acknowledged) and every one that failed. On a failure it drops
 * the connection and reconnects after a short backoff: what a well-behaved
 * application does during a failover.
 */
export class SqlWriter implements Traffic {
  readonly acked: AckedWrite[] = [];
  readonly failed: FailedWrite[] = [];
  readonly noun = 'inserts';
  readonly measurements = SQL_MEASUREMENTS;
  private client?: Client;
  private running = false;
  /** Once stopped it never starts again (a start still preparing the table when stopped must not begin writing). */
  private stopped = false;
  private loop?: Promise<void>;
  private next = 0;

  constructor(private readonly options: WriterOptions) {}

  get description(): string {
    return `inserting through ${this.options.via}`;
  }

  attempts(): number {
    return this.next;
  }

  /** Creates the table (if missing), then writes until stopped; throws when the target does not take the create. */
  async start(): Promise<void> {
    if (this.running) return;
    await this.withClient((client) =>
      client.query(
        `create table if not exists ${WRITES_TABLE} (id bigserial primary key, run text not null, n int not null, at timestamptz not null default now())`,
      ),
    );
    this.begin();
  }

  /** Writes until stopped, into a table that exists. */
  begin(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    this.loop = this.writeLoop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.running = false;
    await this.loop;
    await closeClient(this.client);
    this.client = undefined;
  }

  /** The run's rows the leader has, read through the router. */
  async storedNumbers(): Promise<Set<number>> {
    const result = await this.withClient((client) =>
      client.query<{ n: number }>(`select n from ${WRITES_TABLE} where run = $1`, [this.options.run]),
    );
    return new Set(result.rows.map((r) => r.n));
  }

  async missing(writes: readonly AckedWrite[]): Promise<{ where: string; missing: AckedWrite[] }> {
    return { where: 'the leader', missing: missingRows(writes, await this.storedNumbers()) };
  }

  private newClient(): Client {
    const client = pgClient(this.options.target, {
      queryTimeoutMs: this.options.queryTimeoutMs ?? 3000,
      applicationName: 'paws360-simulation-writer',
    });
    // A connection cut while idle emits 'error'; the next insert notices and reconnects.
    client.on('error', () => undefined);
    return client;
  }

  private async withClient<T>(body: (client: Client) => Promise<T>): Promise<T> {
    const client = this.newClient();
    try {
      await client.connect();
      return await body(client);
    } finally {
      await closeClient(client);
    }
  }

  private async writeLoop(): Promise<void> {
    const { clock, intervalMs, backoffMs = 100, run } = this.options;
    while (this.running) {
      const n = this.next++;
      const key = rowKey(run, n);
      const sentAt = clock();
      try {
        if (!this.client) {
          const client = this.newClient();
          this.client = client;
          await client.connect();
        }
        const result = await this.client.query<{ server: string | null }>(
          `insert into ${WRITES_TABLE} (run, n) values ($1, $2) returning host(inet_server_addr()) as server`,
          [run, n],
        );
        this.acked.push({ n, key, sentAt, ackedAt: clock(), server: result.rows[0]?.server ?? '?' });
        await sleep(intervalMs);
      } catch (error) {
        this.failed.push({ n, key, sentAt, failedAt: clock(), message: (error as Error).message.split('\n')[0] });
        const broken = this.client;
        this.client = undefined;
        await closeClient(broken);
        await sleep(backoffMs);
      }
    }
  }
}
