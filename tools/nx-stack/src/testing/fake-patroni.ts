import { absentMember } from '../kinds/members';
import type { ComponentHealth, InspectReport, ProbeContext, ServiceProbe } from '../kinds/kind';
import type { PatroniSimDeps } from '../simulation/patroni-simulation';
import { SQL_MEASUREMENTS, missingRows, rowKey, type WriterOptions } from '../simulation/sql-writer';
import type { AckedWrite, FailedWrite, Traffic } from '../simulation/traffic';

/**
 * A Patroni cluster's health as the simulations read it, without a network:
 * `leader` (a member number, changeable by the test) is 'leader', the next
 * member 'sync-standby', the rest 'replica'; a member that is not running,
 * or (`needsNetwork`) is cut off the stack network, is unhealthy.
 */
export class FakePatroniProbe implements ServiceProbe {
  leader = 1;
  rounds = 0;
  /** Called on every health round, before the answer is made (to change the leader over time). */
  onRound?: (round: number, ctx: ProbeContext) => void;
  /** Whether a member cut off the stack network counts as unhealthy (it would be unreachable). */
  needsNetwork = true;

  async health(ctx: ProbeContext): Promise<ComponentHealth[]> {
    this.rounds += 1;
    this.onRound?.(this.rounds, ctx);
    const network = `${ctx.stack}-backend`;
    const present = ctx.members.filter((m) => m.running && (!this.needsNetwork || m.container?.networks.includes(network)));
    const sync = present.find((m) => m.member !== this.leader)?.member;
    return ctx.members.map((view) => {
      const absent = absentMember(view);
      if (absent) return absent;
      if (this.needsNetwork && !view.container?.networks.includes(network)) {
        return { name: view.containerName, status: 'unhealthy', role: '-', detail: 'unreachable (cut off the network)' };
      }
      const role = view.member === this.leader ? 'leader' : view.member === sync ? 'sync-standby' : 'replica';
      const leaderUp = present.some((m) => m.member === this.leader);
      return leaderUp
        ? { name: view.containerName, status: 'healthy', role, detail: `member ${view.member} ok` }
        : { name: view.containerName, status: 'unhealthy', role: role === 'leader' ? '-' : role, detail: 'no leader' };
    });
  }

  async inspect(ctx: ProbeContext): Promise<InspectReport> {
    return { service: ctx.service.name, columns: ['member'], rows: ctx.members.map((m) => ({ member: m.containerName })), facts: {} };
  }
}

/** A probe that calls every member healthy (the router, in these specs). */
export const healthyProbe = (role = 'router'): ServiceProbe => ({
  async health(ctx) {
    return ctx.members.map((view) => absentMember(view) ?? { name: view.containerName, status: 'healthy', role, detail: 'ok' });
  },
  async inspect(ctx) {
    return { service: ctx.service.name, columns: [], rows: [], facts: {} };
  },
});

/**
 * A writer that needs no database: every `tickMs` one insert is acknowledged
 * by `server()` (or fails while `failing()`), and `stored` answers what the
 * leader has (default: every acknowledged insert).
 */
export class FakeWriter implements Traffic {
  readonly acked: AckedWrite[] = [];
  readonly failed: FailedWrite[] = [];
  readonly noun = 'inserts';
  readonly measurements = SQL_MEASUREMENTS;
  readonly description: string;
  readonly run: string;
  prepared = false;
  started = false;
  stopped = false;
  server: () => string = () => '10.0.0.1';
  failing: () => boolean = () => false;
  stored?: () => Set<number>;
  private timer?: NodeJS.Timeout;
  private n = 0;

  constructor(
    readonly options: WriterOptions,
    private readonly tickMs = 5,
  ) {
    this.run = options.run;
    this.description = `inserting through ${options.via}`;
  }

  attempts(): number {
    return this.n;
  }

  async start(): Promise<void> {
    this.prepared = true;
    this.started = true;
    this.timer = setInterval(() => {
      const at = this.options.clock();
      const n = this.n++;
      const key = rowKey(this.run, n);
      if (this.failing()) this.failed.push({ n, key, sentAt: at, failedAt: at, message: 'connection refused' });
      else this.acked.push({ n, key, sentAt: at, ackedAt: at, server: this.server() });
    }, this.tickMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
  }

  async missing(writes: readonly AckedWrite[]): Promise<{ where: string; missing: AckedWrite[] }> {
    return { where: 'the leader', missing: missingRows(writes, this.stored ? this.stored() : new Set(this.acked.map((a) => a.n))) };
  }
}

/** Simulation deps over a FakeWriter; `writers` collects the ones made. */
export function fakeSimDeps(overrides: Partial<PatroniSimDeps> & { configure?: (writer: FakeWriter) => void } = {}) {
  const writers: FakeWriter[] = [];
  const switchovers: Array<{ apiPort: number; body: { leader: string; candidate?: string } }> = [];
  const sim: PatroniSimDeps = {
    writer: (options) => {
      const writer = new FakeWriter(options);
      overrides.configure?.(writer);
      writers.push(writer);
      return writer;
    },
    switchover: async (apiPort, body) => {
      switchovers.push({ apiPort, body });
      return { status: 200, text: `Successfully switched over to "${body.candidate}"` };
    },
    writeOnMs: 10,
    ...overrides,
  };
  return { sim, writers, switchovers };
}

/** service.json of a 3-member Patroni service and its router, as in infrastructure/ (small timeouts). */
export const PATRONI_SERVICE = {
  description: 'test patroni',
  kind: 'patroni',
  replicas: 3,
  secrets: ['POSTGRES_SUPERUSER_PASSWORD', 'POSTGRES_REPLICATION_PASSWORD'],
  ports: [
    { name: 'postgres', container: 5432, host: 15432 },
    { name: 'api', container: 8008, host: 8008 },
  ],
  volumes: [{ name: 'data', target: '/var/lib/postgresql/data' }],
  startTimeoutSeconds: 2,
  stopTimeoutSeconds: 3,
};
export const ROUTER_SERVICE = {
  description: 'test router',
  kind: 'router',
  replicas: 1,
  dependsOn: ['patroni'],
  ports: [
    { name: 'leader', container: 5432, host: 5432 },
    { name: 'replicas', container: 5433, host: 5433 },
    { name: 'stats', container: 7000, host: 7000 },
  ],
  startTimeoutSeconds: 2,
};
