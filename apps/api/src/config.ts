// Configuration from the environment, parsed once at start-up with zod.
// Every problem is reported at once, each line naming the variable, so a
// mis-configured container says exactly what to fix and exits 1.
import { z } from 'zod';

export interface SentinelAddress {
  host: string;
  port: number;
}

export interface Config {
  port: number;
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
  };
  cacheTtlSeconds: number;
  startupTimeoutSeconds: number;
}

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

const envSchema = z.object({
  PORT: optional(intIn(1, 65535).default(3000)),
  PGHOST: optional(hostName.default('router-1')),
  PGPORT: optional(intIn(1, 65535).default(5432)),
  PGDATABASE: optional(z.string().default('paws360')),
  PGUSER: optional(z.string().default('postgres')),
  PGPASSWORD: z.string().optional(),
  POSTGRES_SUPERUSER_PASSWORD: z.string().optional(),
  REDIS_SENTINELS: optional(z.string().default(DEFAULT_SENTINELS).transform(parseSentinels)),
  REDIS_MASTER_NAME: optional(z.string().regex(/^[A-Za-z0-9._-]+$/, { error: 'must be a Sentinel master name' }).default('mymaster')),
  REDIS_PASSWORD: z.string().optional(),
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
  return {
    port: e.PORT,
    pg: { host: e.PGHOST, port: e.PGPORT, database: e.PGDATABASE, user: e.PGUSER, password: pgPassword },
    redis: { sentinels: e.REDIS_SENTINELS, masterName: e.REDIS_MASTER_NAME, password: e.REDIS_PASSWORD ?? '' },
    cacheTtlSeconds: e.CACHE_TTL_SECONDS,
    startupTimeoutSeconds: e.STARTUP_TIMEOUT_SECONDS,
  };
}

/** What is safe to log about the configuration (no secrets). */
export function describeConfig(c: Config): Record<string, unknown> {
  return {
    port: c.port,
    postgres: `${c.pg.user}@${c.pg.host}:${c.pg.port}/${c.pg.database}`,
    postgresPassword: c.pg.password === '' ? 'unset' : 'set',
    redisSentinels: c.redis.sentinels.map((s) => `${s.host}:${s.port}`).join(','),
    redisMaster: c.redis.masterName,
    redisPassword: c.redis.password === '' ? 'unset' : 'set',
    cacheTtlSeconds: c.cacheTtlSeconds,
    startupTimeoutSeconds: c.startupTimeoutSeconds,
  };
}
