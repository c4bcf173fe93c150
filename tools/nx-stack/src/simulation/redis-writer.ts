import Redis from 'ioredis';
import { connectRedis, errorMessage, type RedisConnector } from '../clients/redis';
import { TrafficUnreadableError, type AckedWrite, type FailedWrite, type Traffic } from './traffic';

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

/** A client writing continuously until stopped (the loop under SentinelTraffic). */
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
    // ioredis's Sentinel option (connect to the master the Sentinels name), not one of the redis kind's roles.
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
      const seq = n;
      const key = `${config.keyPrefix}${seq}`;
      n += 1;
      const sentAt = config.now();
      try {
        const results = await client.pipeline().set(key, String(seq)).call('WAIT', '1', String(config.waitMs)).exec();
        const [set, wait] = results ?? [];
        if (!set || set[0]) throw set?.[0] ?? new Error('no reply to SET');
        if (!wait || wait[0]) throw wait?.[0] ?? new Error('no reply to WAIT');
        if (set[1] !== 'OK') throw new Error(`SET answered ${String(set[1])}`);
        if (Number(wait[1]) < 1) throw new Error('WAIT: no replica confirmed the write');
        acked.push({ n: seq, key, sentAt, ackedAt: config.now() });
      } catch (error) {
        failed.push({ n: seq, key, sentAt, failedAt: config.now(), message: errorMessage(error) });
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

/** The measurement names of fail-master's writes. */
export const REDIS_MEASUREMENTS = { attempted: 'writesAttempted', acked: 'writesAcked', failed: 'writesFailed', lost: 'lostWrites' } as const;

/** The master the writes are read back from: its announced name and where the host reaches it. */
export interface ReadTarget {
  name: string;
  endpoint: Endpoint;
}

/**
 * The Redis writes of a simulation as Traffic: a Sentinel-aware client
 * (SET + WAIT 1, see startSentinelWriter), read back with MGET from the
 * master `readFrom` names once the failover is over (none named: the
 * writes cannot be checked, and the check fails).
 */
export class SentinelTraffic implements Traffic {
  readonly noun = 'writes';
  readonly measurements = REDIS_MEASUREMENTS;
  private writer?: Writer;
  private stopped = false;

  constructor(
    private readonly io: FailMasterIo,
    private readonly config: WriterConfig,
    private readonly readFrom: () => ReadTarget | undefined,
  ) {}

  get description(): string {
    return `SET + WAIT 1 ${this.config.waitMs} every ${this.config.intervalMs} ms, through the Sentinels`;
  }

  get acked(): readonly AckedWrite[] {
    return this.writer?.acked ?? [];
  }

  get failed(): readonly FailedWrite[] {
    return this.writer?.failed ?? [];
  }

  attempts(): number {
    return this.writer?.attempts() ?? 0;
  }

  async start(): Promise<void> {
    if (!this.stopped) this.writer ??= this.io.startWriter(this.config);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.writer?.stop();
  }

  async missing(writes: readonly AckedWrite[]): Promise<{ where: string; missing: AckedWrite[] }> {
    const target = this.readFrom();
    if (!target) throw new TrafficUnreadableError('no new master to read them from');
    const keys = new Set(await this.io.missingWrites(target.endpoint.port, this.config.password, writes.map(keyValue)));
    return { where: target.name, missing: writes.filter((w) => keys.has(w.key)) };
  }

  async discard(writes: readonly AckedWrite[]): Promise<void> {
    const target = this.readFrom();
    if (target) await this.io.deleteKeys(target.endpoint.port, this.config.password, writes.map((w) => w.key));
  }
}

/** Key n holds the value n. */
const keyValue = (w: AckedWrite) => ({ key: w.key, value: String(w.n) });
