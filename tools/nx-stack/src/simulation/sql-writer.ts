import type { Client } from 'pg';
import { pgClient, type PgTarget } from '../clients/postgres';

/** The table simulations write into (in the `postgres` database, apart from the application's). */
export const WRITES_TABLE = 'paws360_sim_writes';

export interface Ack {
  /** The run's sequence number of the insert (unique per attempt). */
  n: number;
  /** When the INSERT was sent and when its COMMIT came back, ms on the simulation's clock. */
  sentAt: number;
  ackedAt: number;
  /** inet_server_addr() of the server that committed it: only compared, to tell when the leader changed. */
  server: string;
}

export interface WriteError {
  n: number;
  at: number;
  message: string;
}

/** What a simulation needs from a writer; specs pass an imitation. */
export interface Writer {
  readonly run: string;
  readonly acks: Ack[];
  readonly errors: WriteError[];
  /** Creates the table (if missing); throws when the router does not take a write. */
  prepare(): Promise<void>;
  start(): void;
  /** Stops writing and closes the connection; resolves once the loop has ended. */
  stop(): Promise<void>;
  /** The run's rows the leader has, read through the router. */
  storedNumbers(): Promise<Set<number>>;
}

export interface WriterOptions {
  target: PgTarget;
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
async function discard(client: Client | undefined): Promise<void> {
  if (!client) return;
  await Promise.race([client.end().catch(() => undefined), sleep(300)]);
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}

/**
 * Inserts rows one at a time through a PostgreSQL port (the router's leader
 * port), each in its own transaction, and records every insert whose COMMIT
 * came back (acknowledged) and every one that failed. On a failure it drops
 * the connection and reconnects after a short backoff: what a well-behaved
 * application does during a failover.
 */
export class SqlWriter implements Writer {
  readonly acks: Ack[] = [];
  readonly errors: WriteError[] = [];
  private client?: Client;
  private running = false;
  private loop?: Promise<void>;
  private next = 0;

  constructor(private readonly options: WriterOptions) {}

  get run(): string {
    return this.options.run;
  }

  async prepare(): Promise<void> {
    await this.withClient((client) =>
      client.query(
        `create table if not exists ${WRITES_TABLE} (id bigserial primary key, run text not null, n int not null, at timestamptz not null default now())`,
      ),
    );
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.writeLoop();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await discard(this.client);
    this.client = undefined;
  }

  async storedNumbers(): Promise<Set<number>> {
    const result = await this.withClient((client) =>
      client.query<{ n: number }>(`select n from ${WRITES_TABLE} where run = $1`, [this.options.run]),
    );
    return new Set(result.rows.map((r) => r.n));
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
      await discard(client);
    }
  }

  private async writeLoop(): Promise<void> {
    const { clock, intervalMs, backoffMs = 100, run } = this.options;
    while (this.running) {
      const n = this.next++;
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
        this.acks.push({ n, sentAt, ackedAt: clock(), server: result.rows[0]?.server ?? '?' });
        await sleep(intervalMs);
      } catch (error) {
        this.errors.push({ n, at: clock(), message: (error as Error).message.split('\n')[0] });
        const broken = this.client;
        this.client = undefined;
        await discard(broken);
        await sleep(backoffMs);
      }
    }
  }
}

/** The first acknowledged insert sent at or after `at`. */
export const firstAckSentAfter = (acks: readonly Ack[], at: number) => acks.find((a) => a.sentAt >= at);

/** The longest stretch without an acknowledged insert between `from` and `to` (ms). */
export function longestGap(acks: readonly Ack[], from: number, to: number): { ms: number; start: number; end: number } {
  const times = [from, ...acks.map((a) => a.ackedAt).filter((t) => t > from && t < to), to];
  let best = { ms: 0, start: from, end: from };
  for (let i = 1; i < times.length; i++) {
    if (times[i] - times[i - 1] > best.ms) best = { ms: times[i] - times[i - 1], start: times[i - 1], end: times[i] };
  }
  return best;
}

/** Acknowledged inserts missing from what the leader has: must be none. */
export const lostAcks = (acks: readonly Ack[], stored: Set<number>) => acks.filter((a) => !stored.has(a.n));
