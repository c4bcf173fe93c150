// Configuration from the environment, parsed once at start-up with zod.
// Every problem is reported at once, each line naming the variable, so a
// mis-configured container says exactly what to fix and exits 1.
import { z } from 'zod';

export interface SentinelAddress {
  host: string;
  port: number;
}

export interface NatMap {
  [announced: string]: SentinelAddress;
}

export interface Config {
  port: number;
  /** Listen address: every interface in a container, 127.0.0.1 for a process on the host. */
  host: string;
  logLevel: LogLevel;
  pg: {
    host: string;
    port: number;
    database: string;
    user: string;
    /** Empty when neither PGPASSWORD nor POSTGRES_SUPERUSER_PASSWORD is set (trust auth). */
    password: string;
  };
  redis: {
    sentinels: SentinelAddress[];
    masterName: string;
    /** Empty when REDIS_PASSWORD is unset (a Redis without requirepass). */
    password: string;
    /**
     * REDIS_NAT_MAP: the addresses the Sentinels announce (redis-N:6379, names on the
     * stack's network) → where this process reaches them (127.0.0.1:<published port>).
     * Undefined inside the stack's network, where the announced names resolve.
     */
    natMap?: NatMap;
  };
  cacheTtlSeconds: number;
  startupTimeoutSeconds: number;
  /** The names of the variables this config read from the environment (set, non-empty): /actuator/info lists them. */
  envKeys: string[];
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The production topology (docker network of the stack): the defaults. */
export const DEFAULT_SENTINELS = 'sentinel-1:26379,sentinel-2:26379,sentinel-3:26379';

// Unset and empty are the same thing for every variable: `-e PORT=` in a
// compose file should mean "default", not "invalid".
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' ? (v.trim() === '' ? undefined : v.trim()) : v), schema);

const intIn = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: `must be a whole number between ${min} and ${max}` })
    .transform(Number)
    .pipe(z.number().int().min(min, { error: `must be at least ${min}` }).max(max, { error: `must be at most ${max}` }));

const hostName = z
  .string()
  .regex(/^[A-Za-z0-9._:[\]-]+$/, { error: 'must be a host name or IP address (letters, digits, ".", "-", "_", ":")' });

function parseSentinels(value: string, ctx: z.RefinementCtx): SentinelAddress[] {
  const out: SentinelAddress[] = [];
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const m = /^([A-Za-z0-9._-]+)(?::(\d+))?$/.exec(entry);
    const port = m?.[2] === undefined ? 26379 : Number(m[2]);
    if (!m || !Number.isInteger(port) || port < 1 || port > 65535) {
      ctx.addIssue({ code: 'custom', message: `"${entry}" is not host[:port] (e.g. sentinel-1:26379)` });
      continue;
    }
    out.push({ host: m[1], port });
  }
  if (out.length === 0) ctx.addIssue({ code: 'custom', message: 'must list at least one host[:port], comma-separated' });
  return out;
}

function parseNatMap(value: string, ctx: z.RefinementCtx): NatMap {
  const out: NatMap = {};
  let bad = 0;
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const m = /^([A-Za-z0-9._-]+:\d{1,5})=([A-Za-z0-9._-]+):(\d{1,5})$/.exec(entry);
    const port = Number(m?.[3]);
    if (!m || port < 1 || port > 65535) {
      ctx.addIssue({ code: 'custom', message: `"${entry}" is not host:port=host:port (e.g. redis-1:6379=127.0.0.1:6379)` });
      bad++;
      continue;
    }
    out[m[1]] = { host: m[2], port };
  }
  if (Object.keys(out).length === 0 && bad === 0) ctx.addIssue({ code: 'custom', message: 'must list at least one host:port=host:port, comma-separated' });
  return out;
}

const envSchema = z.object({
  PORT: optional(intIn(1, 65535).default(8080)),
  HOST: optional(hostName.default('0.0.0.0')),
  LOG_LEVEL: optional(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info')),
  PGHOST: optional(hostName.default('router-1')),
  PGPORT: optional(intIn(1, 65535).default(5432)),
  PGDATABASE: optional(z.string().default('paws360')),
  PGUSER: optional(z.string().default('postgres')),
  PGPASSWORD: z.string().optional(),
  POSTGRES_SUPERUSER_PASSWORD: z.string().optional(),
  REDIS_SENTINELS: optional(z.string().default(DEFAULT_SENTINELS).transform(parseSentinels)),
  REDIS_MASTER_NAME: optional(z.string().regex(/^[A-Za-z0-9._-]+$/, { error: 'must be a Sentinel master name' }).default('mymaster')),
  REDIS_PASSWORD: z.string().optional(),
  REDIS_NAT_MAP: optional(z.string().transform(parseNatMap).optional()),
  CACHE_TTL_SECONDS: optional(intIn(1, 86400 * 30).default(60)),
  STARTUP_TIMEOUT_SECONDS: optional(intIn(1, 3600).default(60)),
});

/** Parses `env` (process.env by default); throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    // Never echo the value: some of these are secrets.
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`);
    throw new ConfigError(problems);
  }
  const e = result.data;
  // PGPASSWORD wins; an empty PGPASSWORD counts as unset.
  const pgPassword = e.PGPASSWORD !== undefined && e.PGPASSWORD !== '' ? e.PGPASSWORD : (e.POSTGRES_SUPERUSER_PASSWORD ?? '');
  const envKeys = Object.keys(envSchema.shape).filter((key) => (env[key] ?? '').trim() !== '');
  return {
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    pg: { host: e.PGHOST, port: e.PGPORT, database: e.PGDATABASE, user: e.PGUSER, password: pgPassword },
    redis: {
      sentinels: e.REDIS_SENTINELS,
      masterName: e.REDIS_MASTER_NAME,
      password: e.REDIS_PASSWORD ?? '',
      ...(e.REDIS_NAT_MAP ? { natMap: e.REDIS_NAT_MAP } : {}),
    },
    cacheTtlSeconds: e.CACHE_TTL_SECONDS,
    startupTimeoutSeconds: e.STARTUP_TIMEOUT_SECONDS,
    envKeys,
  };
}

/** What is safe to log about the configuration (no secrets). */
export function describeConfig(c: Config): Record<string, unknown> {
  return {
    listen: `${c.host}:${c.port}`,
    logLevel: c.logLevel,
    postgres: `${c.pg.user}@${c.pg.host}:${c.pg.port}/${c.pg.database}`,
    postgresPassword: c.pg.password === '' ? 'unset' : 'set',
    redisSentinels: c.redis.sentinels.map((s) => `${s.host}:${s.port}`).join(','),
    redisMaster: c.redis.masterName,
    redisPassword: c.redis.password === '' ? 'unset' : 'set',
    ...(c.redis.natMap
      ? { redisNatMap: Object.entries(c.redis.natMap).map(([from, to]) => `${from}=${to.host}:${to.port}`).join(',') }
      : {}),
    cacheTtlSeconds: c.cacheTtlSeconds,
    startupTimeoutSeconds: c.startupTimeoutSeconds,
  };
}
