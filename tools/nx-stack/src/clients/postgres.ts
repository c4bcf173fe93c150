import type { Client } from 'pg';

/** Where a PostgreSQL server answers: a port published on 127.0.0.1 and the credentials. */
export interface PgTarget {
  port: number;
  password: string;
  user?: string;
  database?: string;
}

const CONNECT_TIMEOUT_MS = 1500;

let pgModule: typeof import('pg') | undefined;
/** pg is loaded on first use: graph creation and commands that never speak SQL do not pay for it. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pg = () => (pgModule ??= require('pg') as typeof import('pg'));

/** A pg client on a port published on 127.0.0.1, with short timeouts (a probe, or a simulation's writer). */
export function pgClient(target: PgTarget, options: { queryTimeoutMs?: number; applicationName?: string } = {}): Client {
  return new (pg().Client)({
    host: '127.0.0.1',
    port: target.port,
    user: target.user ?? 'postgres',
    password: target.password,
    database: target.database ?? 'postgres',
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    query_timeout: options.queryTimeoutMs ?? 2000,
    application_name: options.applicationName ?? 'paws360-probe',
  });
}

/** Opens a client, hands it to `use` and always closes it; a connection that dies later never crashes the process. */
export async function withPg<T>(target: PgTarget, use: (client: Client) => Promise<T>, options?: Parameters<typeof pgClient>[1]): Promise<T> {
  const client = pgClient(target, options);
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await use(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface SqlAnswer {
  inRecovery: boolean;
  /** The Patroni member that answered, when PostgreSQL can tell (a replica's primary_conninfo names it). */
  member?: string;
}

/**
 * One real SQL round trip through a port: connect, ask whether the server is
 * in recovery (a replica) and, on a replica, which member it is (Patroni puts
 * application_name=<member> into its primary_conninfo).
 */
export async function askServer(target: PgTarget): Promise<SqlAnswer> {
  return withPg(target, async (client) => {
    const result = await client.query<{ in_recovery: boolean; conninfo: string | null }>(
      `select pg_is_in_recovery() as in_recovery,
              case when pg_is_in_recovery() then current_setting('primary_conninfo', true) end as conninfo`,
    );
    const row = result.rows[0];
    const member = /application_name=([^\s']+)/.exec(row.conninfo ?? '')?.[1];
    return { inRecovery: row.in_recovery, member };
  });
}
