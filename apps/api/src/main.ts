// Entry point: config, migrations (retried until STARTUP_TIMEOUT_SECONDS),
// then the Fastify server; SIGTERM/SIGINT stop it gracefully (exit 0).
import { buildApp } from './app';
import { ConfigError, describeConfig, loadConfig, type Config } from './config';
import { createPool } from './db';
import { describeError } from './errors';
import { createHealthProbe, postgresPrimaryCheck, redisMasterCheck } from './health';
import { createLogger } from './logger';
import { createMetrics } from './metrics';
import { defaultMigrationsDir, postgratorMigrations, runMigrations, StartupAbortedError } from './migrations';
import { createRedis } from './redis';
import { gracefulShutdown } from './shutdown';
import { PgSisRepository } from './sis/pg-repository';
import { RedisCache } from './sis/redis-cache';
import { SisService } from './sis/service';
import { APP_NAME, APP_VERSION } from './version';

/** Hard limit on a graceful stop; the orchestrator's own grace period is longer (docker stop: 10 s). */
const SHUTDOWN_DEADLINE_MS = 5000;

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${APP_NAME}: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config.logLevel);
  logger.info({ version: APP_VERSION, node: process.version, ...describeConfig(config) }, `${APP_NAME} starting`);
  if (config.pg.password === '') logger.warn('neither PGPASSWORD nor POSTGRES_SUPERUSER_PASSWORD is set: connecting without a password');

  const pgTarget = `${config.pg.host}:${config.pg.port}/${config.pg.database}`;
  const pool = createPool(config.pg, logger);
  const redis = createRedis(config.redis, logger);
  const metrics = createMetrics(pool);
  const app = buildApp({
    sis: new SisService(new PgSisRepository(pool), new RedisCache(redis.client), config.cacheTtlSeconds, metrics.cache),
    health: createHealthProbe([postgresPrimaryCheck(pool, pgTarget), redisMasterCheck(redis.client, config.redis.masterName, redis.lastError)]),
    metrics,
    logger,
    info: { name: APP_NAME, version: APP_VERSION, envKeys: config.envKeys },
  });
  const startup = new AbortController();
  let stopping = false;

  const stop = (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    startup.abort();
    logger.info({ reason }, 'shutting down');
    // Safety net: whatever hangs, the process is gone shortly after the deadline.
    setTimeout(() => {
      logger.error({ deadlineMs: SHUTDOWN_DEADLINE_MS }, 'shutdown deadline passed; exiting anyway');
      process.exit(code === 0 ? 1 : code);
    }, SHUTDOWN_DEADLINE_MS).unref();
    gracefulShutdown({
      app,
      logger,
      closers: [
        { name: 'postgres pool', close: () => pool.end() },
        { name: 'redis', close: () => redis.close() },
      ],
    })
      .catch((err: unknown) => logger.error({ error: describeError(err) }, 'shutdown failed'))
      .finally(() => {
        logger.info({ exitCode: code }, 'stopped');
        process.exit(code);
      });
  };

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) {
        logger.warn(`second ${signal}: exiting now`);
        process.exit(1);
      }
      stop(signal, 0);
    });
  }
  process.on('unhandledRejection', (err) => {
    logger.error({ error: describeError(err), stack: (err as Error)?.stack }, 'unhandled promise rejection');
    stop('unhandled promise rejection', 1);
  });

  const migrateStarted = performance.now();
  try {
    await runMigrations(pool, {
      target: pgTarget,
      timeoutMs: config.startupTimeoutSeconds * 1000,
      logger,
      signal: startup.signal,
      apply: postgratorMigrations(defaultMigrationsDir(), config.pg.database, logger),
    });
  } catch (err) {
    if (err instanceof StartupAbortedError) return; // a signal arrived; stop() is already exiting
    logger.error(`cannot start: ${describeError(err)}`);
    stop('start-up failed', 1);
    return;
  }
  if (stopping) return;
  logger.debug({ loaded_ms: Math.round(migrateStarted), migrate_ms: Math.round(performance.now() - migrateStarted) }, 'start-up timings');
  // In the background: the API serves without Redis (reads go to PostgreSQL) and health says cache DOWN.
  redis.connect();

  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    logger.error(`cannot listen on ${config.host}:${config.port}: ${describeError(err)}`);
    stop('listen failed', 1);
    return;
  }
  // Fastify logs "Server listening at http://…" itself; this line says how long start-up took, process start to
  // listening: wall time, and CPU time (which a busy machine does not inflate).
  const cpu = process.cpuUsage();
  logger.info({ startup_ms: Math.round(performance.now()), startup_cpu_ms: Math.round((cpu.user + cpu.system) / 1000) }, 'ready');
}

main().catch((err: unknown) => {
  process.stderr.write(`${APP_NAME}: fatal: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
