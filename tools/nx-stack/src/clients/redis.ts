import type { default as RedisClass } from 'ioredis';

let redisModule: typeof RedisClass | undefined;
/** ioredis is loaded on first use: graph creation and commands that never speak Redis do not pay for it. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const loadRedisClass = () => (redisModule ??= (require('ioredis') as { default: typeof RedisClass }).default);

/** One open connection to a Redis or Sentinel on a host port: sends commands, returns ioredis's decoded replies. */
export interface RedisLink {
  command(name: string, ...args: Array<string | number>): Promise<unknown>;
}

/**
 * Opens a connection to 127.0.0.1:<port>, hands it to `use` and always
 * closes it. Probes take it as a parameter, so specs can pass an imitation.
 */
export type RedisConnector = <T>(port: number, password: string | undefined, use: (link: RedisLink) => Promise<T>) => Promise<T>;

/** How long a probe waits to connect and for each reply: a dead member must not stall `health`. */
export const PROBE_CONNECT_TIMEOUT_MS = 1500;
export const PROBE_COMMAND_TIMEOUT_MS = 2000;

/**
 * The real connector: ioredis on 127.0.0.1 (the host port the member
 * publishes), one attempt, no retries, no offline queue: an unreachable
 * member is an error right away, never a hang.
 */
export const connectRedis: RedisConnector = async (port, password, use) => {
  const Redis = loadRedisClass();
  const client = new Redis({
    host: '127.0.0.1',
    port,
    password: password || undefined,
    lazyConnect: true,
    connectTimeout: PROBE_CONNECT_TIMEOUT_MS,
    commandTimeout: PROBE_COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    enableReadyCheck: false,
    disableClientInfo: true,
    // disconnect() keeps a timer this long for a stream that never closes again (a refused one): keep exits prompt.
    disconnectTimeout: 100,
  });
  // ioredis reports the cause (ECONNREFUSED, WRONGPASS) as an event and then rejects with a
  // generic "Connection is closed." / NOAUTH; keep the cause to report it instead.
  let cause: Error | undefined;
  client.on('error', (error: Error) => (cause = error));
  try {
    await client.connect();
    return await use({ command: (name, ...args) => client.call(name, ...args) });
  } catch (error) {
    const generic = error instanceof Error && (error.message === 'Connection is closed.' || error.message.startsWith('NOAUTH'));
    throw generic && cause ? cause : error;
  } finally {
    client.disconnect();
  }
};

/** INFO's text as a flat map (`key:value` lines; `# Section` headers and blanks skipped). */
export function parseInfo(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return fields;
}

/** `ip=redis-2,port=6379,state=online` (a replica line of INFO, a db line of keyspace) as a map. */
export function parseCommaFields(value: string): Record<string, string> {
  return Object.fromEntries(
    value
      .split(',')
      .map((pair) => pair.split('='))
      .filter((kv) => kv.length === 2)
      .map(([k, v]) => [k, v]),
  );
}

/** Sentinel's flat `[key, value, key, value…]` replies as a map. */
export function pairs(reply: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(reply)) return out;
  for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = String(reply[i + 1]);
  return out;
}

export const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));
