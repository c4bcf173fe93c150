import Redis from 'ioredis';
import { connectRedis, errorMessage, type RedisConnector } from '../clients/redis';

export interface Endpoint {
  host: string;
  port: number;
}

export interface WriterConfig {
  /** The Sentinels on their host ports (127.0.0.1:<port>). */
  sentinels: Endpoint[];
  masterName: string;
  /** Announced `host:port` (redis-2:6379, sentinel-1:26379) → where the host reaches it. */
  natMap: Record<string, Endpoint>;
  password: string;
  /** Key n is `${keyPrefix}${n}`, its value `n`. */
  keyPrefix: string;
  intervalMs: number;
  /** WAIT 1 <waitMs> after every SET. */
  waitMs: number;
  /** The simulation's clock (ms), so write times line up with its timeline. */
  now: () => number;
}

export interface AckedWrite {
  key: string;
  value: string;
  startedAt: number;
  ackedAt: number;
}

export interface FailedWrite {
  key: string;
  startedAt: number;
  failedAt: number;
  message: string;
}

/** A client writing continuously until stopped. */
export interface Writer {
  readonly acked: AckedWrite[];
  readonly failed: FailedWrite[];
  /** Writes started (acked + failed + the one in flight). */
  attempts(): number;
  /** Stops after the write in flight and closes the client. */
  stop(): Promise<void>;
}

/** The network side of fail-master, swapped for an imitation in specs. */
export interface FailMasterIo {
  startWriter(config: WriterConfig): Writer;
  /** What each Sentinel answers to get-master-addr-by-name ("host:port"), undefined where it does not answer. */
  masterAddresses(sentinelPorts: number[], masterName: string): Promise<Array<string | undefined>>;
  /** Keys of `writes` that are absent (or hold another value) on the Redis at 127.0.0.1:<port>. */
  missingWrites(port: number, password: string, writes: Array<{ key: string; value: string }>): Promise<string[]>;
  deleteKeys(port: number, password: string, keys: string[]): Promise<void>;
}

const CHUNK = 500;

/**
 * A Sentinel-aware ioredis client that SETs a new key every `intervalMs`,
 * each followed by `WAIT 1 <waitMs>`. A write counts as acknowledged only
 * when SET answered OK and WAIT confirmed at least one replica has it: such a
 * write must survive a failover (Sentinel promotes the replica with the
 * largest offset).
 *
 * SET and WAIT go out as one pipeline, so both are written on the same
 * connection; unfulfilled commands are not re-sent on a new connection (a
 * WAIT re-sent alone to a new master would confirm nothing about the SET).
 * When the master dies the client asks the Sentinels again (every 100 ms)
 * until they name the new master, which it then writes to.
 */
export function startSentinelWriter(config: WriterConfig): Writer {
  const client = new Redis({
    sentinels: config.sentinels,
    name: config.masterName,
    role: 'master',
    natMap: config.natMap,
    password: config.password,
    sentinelRetryStrategy: () => 100,
    retryStrategy: () => 100,
    connectTimeout: 1000,
    sentinelCommandTimeout: 1000,
    commandTimeout: config.waitMs + 1500,
    maxRetriesPerRequest: null,
    autoResendUnfulfilledCommands: false,
    disableClientInfo: true,
    disconnectTimeout: 500,
  });
  client.on('error', () => undefined);
  const acked: AckedWrite[] = [];
  const failed: FailedWrite[] = [];
  let n = 0;
  let stopping = false;
  const loop = (async () => {
    while (!stopping) {
      const key = `${config.keyPrefix}${n}`;
      const value = String(n);
      n += 1;
      const startedAt = config.now();
      try {
        const results = await client.pipeline().set(key, value).call('WAIT', '1', String(config.waitMs)).exec();
        const [set, wait] = results ?? [];
        if (!set || set[0]) throw set?.[0] ?? new Error('no reply to SET');
        if (!wait || wait[0]) throw wait?.[0] ?? new Error('no reply to WAIT');
        if (set[1] !== 'OK') throw new Error(`SET answered ${String(set[1])}`);
        if (Number(wait[1]) < 1) throw new Error('WAIT: no replica confirmed the write');
        acked.push({ key, value, startedAt, ackedAt: config.now() });
      } catch (error) {
        failed.push({ key, startedAt, failedAt: config.now(), message: errorMessage(error) });
      }
      if (!stopping) await new Promise((r) => setTimeout(r, config.intervalMs));
    }
  })();
  return {
    acked,
    failed,
    attempts: () => n,
    async stop() {
      stopping = true;
      await loop;
      client.disconnect();
    },
  };
}

export function createFailMasterIo(connect: RedisConnector = connectRedis): FailMasterIo {
  return {
    startWriter: startSentinelWriter,
    masterAddresses: (ports, masterName) =>
      Promise.all(
        ports.map((port) =>
          connect(port, undefined, async (link) => {
            const reply = await link.command('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName);
            return Array.isArray(reply) && reply.length === 2 ? `${String(reply[0])}:${String(reply[1])}` : undefined;
          }).catch(() => undefined),
        ),
      ),
    missingWrites: (port, password, writes) =>
      connect(port, password, async (link) => {
        const missing: string[] = [];
        for (let i = 0; i < writes.length; i += CHUNK) {
          const chunk = writes.slice(i, i + CHUNK);
          const values = (await link.command('MGET', ...chunk.map((w) => w.key))) as Array<string | null>;
          chunk.forEach((w, j) => {
            if (values[j] !== w.value) missing.push(w.key);
          });
        }
        return missing;
      }),
    deleteKeys: (port, password, keys) =>
      connect(port, password, async (link) => {
        for (let i = 0; i < keys.length; i += CHUNK) await link.command('DEL', ...keys.slice(i, i + CHUNK));
      }),
  };
}
