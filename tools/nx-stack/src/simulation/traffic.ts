import { UserError, errorText } from '../core/errors';

/** A write the store acknowledged: what it was and when (ms on the simulation's clock). */
export interface AckedWrite {
  /** The run's sequence number of the write (unique per attempt). */
  n: number;
  /** Where it is found again: the Redis key, or `<run>:<n>` for a row. */
  key: string;
  /** When it was sent, and when its acknowledgement came back. */
  sentAt: number;
  ackedAt: number;
  /** Who acknowledged it, when the traffic can tell (inet_server_addr of the SQL server): compared to tell when the leader changed. */
  server?: string;
}

export interface FailedWrite {
  n: number;
  key: string;
  sentAt: number;
  failedAt: number;
  message: string;
}

/** The measurement names a traffic reports under (kept per simulation: the --json shape of each is stable). */
export interface TrafficMeasurements {
  attempted?: string;
  acked: string;
  failed: string;
  lost: string;
}

/**
 * Writes made continuously while a simulation breaks something: the SQL
 * writer through the router, the Redis writer through the Sentinels. A write
 * counts as acknowledged only when the store confirmed it durable by its own
 * rule (COMMIT with synchronous replication; SET followed by WAIT 1), so
 * every acknowledged write must still be there afterwards.
 */
export interface Traffic {
  /** What it does, for the timeline: "inserting through paws360-router-1". */
  readonly description: string;
  /** What one write is called in reports: "inserts", "writes". */
  readonly noun: string;
  readonly measurements: TrafficMeasurements;
  readonly acked: readonly AckedWrite[];
  readonly failed: readonly FailedWrite[];
  /** Writes started: acknowledged, failed and the one in flight. */
  attempts(): number;
  /** Prepares what it writes into and starts writing; throws when the target takes no write at all. */
  start(): Promise<void>;
  /** Stops after the write in flight and closes its connections. Idempotent. */
  stop(): Promise<void>;
  /**
   * Of `writes`, those the store does not hold now (absent, or another
   * value), and where it looked. Throws when it cannot read them
   * (a TrafficUnreadableError when trying again cannot help).
   */
  missing(writes: readonly AckedWrite[]): Promise<{ where: string; missing: AckedWrite[] }>;
  /** Removes what it wrote, best effort (keys that would otherwise stay in the store). */
  discard?(writes: readonly AckedWrite[]): Promise<void>;
}

/** The store the writes should be read back from is not known (no new master was named): reading again cannot help. */
export class TrafficUnreadableError extends UserError {
  override name = 'TrafficUnreadableError';
}

/** The first acknowledged write sent at or after `at`. */
export const firstAckSentAfter = (acks: readonly AckedWrite[], at: number) => acks.find((a) => a.sentAt >= at);

/** The longest stretch without an acknowledged write between `from` and `to` (ms). */
export function longestGap(acks: readonly AckedWrite[], from: number, to: number): { ms: number; start: number; end: number } {
  const times = [from, ...acks.map((a) => a.ackedAt).filter((t) => t > from && t < to), to];
  let best = { ms: 0, start: from, end: from };
  for (let i = 1; i < times.length; i++) {
    if (times[i] - times[i - 1] > best.ms) best = { ms: times[i] - times[i - 1], start: times[i - 1], end: times[i] };
  }
  return best;
}

/** Counts of each distinct error message, most frequent first: "NOREPLICAS … ×3, Connection is closed. ×1". */
export function summarizeErrors(messages: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const message of messages) {
    const key = message.split('\n')[0].slice(0, 80);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([m, n]) => `${m} ×${n}`)
    .join(', ');
}

/** What the verification of a traffic needs from the simulation: its clock, its report and a sleep that an interruption ends. */
export interface TrafficVerification {
  mark(event: string): number;
  measurements: Record<string, number | string>;
  check(name: string, ok: boolean, detail: string): void;
  sleep(ms: number): Promise<void>;
}

export const LOST_CHECK = 'no acknowledged write lost';
const READ_ATTEMPTS = 10;
const READ_RETRY_MS = 500;

/**
 * Stops the traffic and checks that every acknowledged write is in the store
 * (read again a few times while the store settles after a failover). The
 * check fails when any is missing, when none was acknowledged, or when the
 * writes cannot be read back at all.
 */
export async function verifyTraffic(traffic: Traffic, v: TrafficVerification): Promise<void> {
  await traffic.stop();
  const { acked, failed, noun, measurements: names } = traffic;
  v.mark(
    `writer stopped: ${acked.length} of ${traffic.attempts()} ${noun} acknowledged` +
      (failed.length ? `; ${failed.length} failed (${summarizeErrors(failed.map((f) => f.message))})` : ''),
  );
  if (names.attempted) v.measurements[names.attempted] = traffic.attempts();
  v.measurements[names.acked] = acked.length;
  v.measurements[names.failed] = failed.length;

  let found: { where: string; missing: AckedWrite[] } | undefined;
  let lastError: unknown;
  for (let attempt = 0; attempt < READ_ATTEMPTS && !found; attempt++) {
    try {
      found = await traffic.missing(acked);
    } catch (error) {
      lastError = error;
      if (error instanceof TrafficUnreadableError) break;
      if (attempt < READ_ATTEMPTS - 1) await v.sleep(READ_RETRY_MS);
    }
  }
  if (!found) {
    v.measurements[names.lost] = 'unknown';
    v.check(LOST_CHECK, false, `cannot read the acknowledged ${noun} back: ${lastError === undefined ? 'no answer' : errorText(lastError)}`);
    return;
  }
  const { where, missing } = found;
  v.measurements[names.lost] = missing.length;
  v.mark(`${acked.length - missing.length}/${acked.length} acknowledged ${noun} found on ${where}`);
  v.check(
    LOST_CHECK,
    missing.length === 0 && acked.length > 0,
    missing.length === 0
      ? `all ${acked.length} acknowledged ${noun} are on ${where} (${failed.length} failed, never acknowledged)`
      : `${missing.length} of ${acked.length} acknowledged ${noun} missing (first: ${missing.slice(0, 5).map((w) => w.key).join(', ')}${missing.length > 5 ? ', …' : ''})`,
  );
  await traffic.discard?.(acked).catch(() => undefined);
}
