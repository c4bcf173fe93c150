// The PostgreSQL pool. PGHOST is the HAProxy router: it always forwards to
// the current Patroni leader and cuts sessions to a demoted one, so a
// failover shows up here as dropped connections, which the pool replaces.
import { Pool } from 'pg';
import type { Config } from './config';
import { describeError } from './errors';
import type { Logger } from './logger';

export function createPool(pg: Config['pg'], logger: Logger): Pool {
  const pool = new Pool({
    host: pg.host,
    port: pg.port,
    database: pg.database,
    user: pg.user,
    password: pg.password,
    application_name: 'paws360-api',
    max: 10,
    // Fail fast while the router has no leader instead of queueing forever.
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 10_000,
    query_timeout: 15_000,
    keepAlive: true,
  });
  // An idle client whose connection dies (failover, router restart) is
  // reported here; without a listener it would crash the process.
  pool.on('error', (err) => logger.warn({ error: describeError(err) }, 'idle PostgreSQL connection lost'));
  return pool;
}
