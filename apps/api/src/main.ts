// Entry point: config, migrations (retried until STARTUP_TIMEOUT_SECONDS),
// then the HTTP server; SIGTERM/SIGINT stop it gracefully (exit 0).
import { createServer } from 'node:http';
import { createApp } from './app';
import { ConfigError, describeConfig, loadConfig, type Config } from './config';
import { createPool } from './db';
import { describeError } from './errors';
import { createJsonLogger } from './logger';
import { runMigrations, StartupAbortedError } from './migrations';
import { createReadinessProbe, postgresPrimaryCheck, redisMasterCheck } from './readiness';
import { createRedis } from './redis';
import { gracefulShutdown } from './shutdown';
import { PgStudentRepository } from './students/pg-student-repository';
import { RedisStudentCache } from './students/redis-student-cache';
import { StudentService } from './students/student-service';

/** Hard limit on a graceful stop; the orchestrator's own grace period is longer (docker stop: 10 s). */
const SHUTDOWN_DEADLINE_MS = 5000;

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`paws360-api: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createJsonLogger();
  logger.info('paws360-api starting', describeConfig(config));
  if (config.pg.password === '') logger.warn('neither PGPASSWORD nor POSTGRES_SUPERUSER_PASSWORD is set: connecting without a password');

  const pgTarget = `${config.pg.host}:${config.pg.port}/${config.pg.database}`;
  const pool = createPool(config.pg, logger);
  const redis = createRedis(config.redis, logger);
  const startup = new AbortController();
  // Created now so a stop during start-up can see it; it listens only once migrated.
  const server = createServer();
  // Headers must arrive promptly; idle keep-alive connections close after 5 s.
  server.keepAliveTimeout = 5000;
  server.headersTimeout = 10_000;
  let stopping = false;

  const stop = (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    startup.abort();
    logger.info('shutting down', { reason });
    // Safety net: whatever hangs, the process is gone shortly after the deadline.
    setTimeout(() => {
      logger.error('shutdown deadline passed; exiting anyway', { deadlineMs: SHUTDOWN_DEADLINE_MS });
      process.exit(code === 0 ? 1 : code);
    }, SHUTDOWN_DEADLINE_MS).unref();
    gracefulShutdown({
      server,
      logger,
      closers: [
        { name: 'postgres pool', close: () => pool.end() },
        { name: 'redis', close: () => redis.close() },
      ],
    })
      .catch((err: unknown) => logger.error('shutdown failed', { error: describeError(err) }))
      .finally(() => {
        logger.info('stopped', { exitCode: code });
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
    logger.error('unhandled promise rejection', { error: describeError(err), stack: (err as Error)?.stack });
    stop('unhandled promise rejection', 1);
  });

  try {
    await runMigrations(pool, {
      target: pgTarget,
      timeoutMs: config.startupTimeoutSeconds * 1000,
      logger,
      signal: startup.signal,
    });
  } catch (err) {
    if (err instanceof StartupAbortedError) return; // a signal arrived; stop() is already exiting
    logger.error(`cannot start: ${describeError(err)}`);
    stop('start-up failed', 1);
    return;
  }
  if (stopping) return;
  redis.connect();

  const app = createApp({
    students: new StudentService(new PgStudentRepository(pool), new RedisStudentCache(redis.client, config.cacheTtlSeconds), logger),
    readiness: createReadinessProbe([
      postgresPrimaryCheck(pool, pgTarget),
      redisMasterCheck(redis.client, config.redis.masterName, redis.lastError),
    ]),
    logger,
  });
  server.on('request', app);
  server.on('error', (err) => {
    logger.error(`cannot listen on port ${config.port}: ${describeError(err)}`);
    stop('listen failed', 1);
  });
  server.listen(config.port, () => logger.info('listening', { port: config.port }));
}

main().catch((err: unknown) => {
  process.stderr.write(`paws360-api: fatal: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
