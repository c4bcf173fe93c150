import type { ContainerRuntime } from '../runtime/container-runtime';

/** rw: PostgreSQL answers and is not in recovery; ro: in recovery; down: no answer (stopped, starting). */
export type Writability = 'rw' | 'ro' | 'down';

export interface WritabilitySample {
  /** When the round started, ms on the simulation's clock. */
  at: number;
  /** Member (container name) → its state in this round. */
  states: Record<string, Writability>;
}

export interface SampledMember {
  name: string;
  id: string;
}

/**
 * psql over the member's own Unix socket, run with `docker exec`: works while
 * the member is cut off every network, and asks PostgreSQL itself rather than
 * Patroni. Peer authentication: the image runs as `postgres`.
 */
export const WRITABILITY_QUERY = [
  'psql',
  '-X',
  '-h',
  '/var/run/postgresql',
  '-U',
  'postgres',
  '-d',
  'postgres',
  '-tAc',
  'select pg_is_in_recovery()',
];

export async function writability(runtime: ContainerRuntime, id: string, timeoutMs = 2000): Promise<Writability> {
  try {
    const result = await runtime.exec(id, WRITABILITY_QUERY, { timeoutMs, env: { PGCONNECT_TIMEOUT: '1' } });
    const answer = result.stdout.trim();
    if (result.exitCode === 0 && answer === 'f') return 'rw';
    if (result.exitCode === 0 && answer === 't') return 'ro';
    return 'down';
  } catch {
    return 'down';
  }
}

/**
 * Asks every member whether it is writable, all at once, every `intervalMs`
 * until stopped. A round where two members answer "writable" is a split brain.
 */
export class WritabilitySampler {
  readonly samples: WritabilitySample[] = [];
  private running = false;
  private loop?: Promise<void>;

  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly members: SampledMember[],
    private readonly clock: () => number,
    private readonly intervalMs = 250,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.sampleLoop();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** The first sample at or after `from` that satisfies `predicate`. */
  first(from: number, predicate: (sample: WritabilitySample) => boolean): WritabilitySample | undefined {
    return this.samples.find((s) => s.at >= from && predicate(s));
  }

  /** Rounds with more than one writable member. */
  splitBrains(): WritabilitySample[] {
    return this.samples.filter((s) => writableMembers(s).length > 1);
  }

  private async sampleLoop(): Promise<void> {
    while (this.running) {
      const at = this.clock();
      const answers = await Promise.all(this.members.map((m) => writability(this.runtime, m.id)));
      this.samples.push({ at, states: Object.fromEntries(this.members.map((m, i) => [m.name, answers[i]])) });
      // Always through the timer queue, even when a round took longer than the interval: never a busy loop.
      const wait = Math.max(0, this.intervalMs - (this.clock() - at));
      if (this.running) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

export const writableMembers = (sample: WritabilitySample) =>
  Object.entries(sample.states)
    .filter(([, state]) => state === 'rw')
    .map(([name]) => name);
