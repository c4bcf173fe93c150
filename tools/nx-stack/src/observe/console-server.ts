import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StackError } from '../core/errors';
import type { ServiceDefinition } from '../core/service-config';
import { checkHealth, type HealthDeps } from '../kinds/health';
import { LOG_LEVELS, type LogLevel } from '../kinds/log-line';
import type { ServiceHealth } from '../kinds/kind';
import { findPortOwner, ownerText } from '../lifecycle/port-owner';
import { consolePage } from './console-page';
import { LogIndex, type LogQuery } from './log-index';
import { syncLogIndex, type StackLogsContext } from './stack-logs';
import { stackStats, type StackStats } from './stats';

export interface ConsoleDeps extends Omit<HealthDeps, 'env'>, StackLogsContext {
  /** The stack's log index file (logIndexPath). */
  indexFile: string;
  services: ServiceDefinition[];
}

export interface ConsoleState {
  stack: string;
  /** When the health shown was collected (the end of its round); the page shows its age. */
  time: string;
  health: ServiceHealth[];
  healthy: number;
  total: number;
  /** Who holds the roles that move in a failover: "patroni" → "paws360-patroni-2". */
  leaders: Record<string, string>;
  stats?: StackStats;
  /** The failure simulations' markers in the logs, newest last. */
  markers: Array<{ time: string; container: string; text: string }>;
  /** Services whose first verdict is still being collected: the page says "checking" instead of a count until it is empty. */
  pending: string[];
}

const LEADING_ROLES = new Set(['leader', 'master']);
const MARKERS = { grep: 'paws360-simulation', limit: 20 };

const markersOf = (index: LogIndex): ConsoleState['markers'] =>
  index.search(MARKERS).lines.map((l) => ({ time: l.time, container: l.container, text: l.text }));

/** The state a page shows, from what is known: health in the services' order, counts and leaders over it. */
export function summarize(
  stack: string,
  services: ServiceDefinition[],
  known: ReadonlyMap<string, ServiceHealth>,
  parts: { time: string; markers: ConsoleState['markers']; stats?: StackStats },
): ConsoleState {
  const health = services.flatMap((s) => known.get(s.name) ?? []);
  const components = health.flatMap((h) => h.components);
  const leaders: Record<string, string> = {};
  for (const h of health) for (const c of h.components) if (LEADING_ROLES.has(c.role) && c.status === 'healthy') leaders[h.service] = c.name;
  return {
    stack,
    time: parts.time,
    health,
    healthy: components.filter((c) => c.status === 'healthy').length,
    total: components.length,
    leaders,
    ...(parts.stats ? { stats: parts.stats } : {}),
    markers: parts.markers,
    pending: services.filter((s) => !known.has(s.name)).map((s) => s.name),
  };
}

/** One look at the stack, everything at once: every member's health and role, who leads, the last simulation markers (and resource use when asked). */
export async function consoleState(deps: ConsoleDeps, index: LogIndex, withStats: boolean): Promise<ConsoleState> {
  const [health, stats] = await Promise.all([
    Promise.all(deps.services.map((service) => checkHealth(deps, service))),
    withStats ? stackStats(deps.runtime, deps.stack) : Promise.resolve(undefined),
    syncLogIndex(index, deps),
  ]);
  const known = new Map(health.map((h) => [h.service, h]));
  return summarize(deps.stack, deps.services, known, { time: new Date().toISOString(), markers: markersOf(index), stats });
}

/** /api/logs?service=a,b&member=&level=&grep=&traceId=&since=<ISO>&until=<ISO>&limit= → the same search as stack:logs. */
export function queryFromUrl(url: URL): LogQuery {
  const list = (name: string) => url.searchParams.get(name)?.split(',').map((s) => s.trim()).filter(Boolean) || undefined;
  const time = (name: string) => {
    const value = url.searchParams.get(name);
    const ms = value ? Date.parse(value) : NaN;
    return Number.isNaN(ms) ? undefined : ms;
  };
  const level = url.searchParams.get('level') ?? '';
  return {
    services: list('service'),
    members: list('member'),
    level: (LOG_LEVELS as readonly string[]).includes(level) ? (level as LogLevel) : undefined,
    grep: url.searchParams.get('grep') || undefined,
    traceId: url.searchParams.get('traceId') || undefined,
    sinceMs: time('since'),
    untilMs: time('until'),
    limit: Number(url.searchParams.get('limit') ?? 500) || 500,
  };
}

export interface RunningConsole {
  url: string;
  close(): Promise<void>;
}

/** Resource use is sampled every this many intervals while a page listens (docker stats takes about a second). */
const STATS_EVERY = 5;
/** With no page open, health and logs are collected every this many intervals: a page that opens gets a recent state at once. */
const IDLE_EVERY = 5;

/**
 * A collection task run at most once at a time: again `every` ms after its
 * last run started while a page listens, `idleEvery` ms with none (never
 * when undefined); `now()` runs it at once (or joins the run in flight).
 */
class Collector {
  private running?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  constructor(
    private readonly task: () => Promise<void>,
    private readonly every: number,
    private readonly idleEvery: number | undefined,
    private readonly listening: () => boolean,
  ) {}

  now(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) return this.running;
    clearTimeout(this.timer);
    const started = performance.now();
    this.running = this.task().finally(() => {
      this.running = undefined;
      this.schedule(performance.now() - started);
    });
    return this.running;
  }

  /** A page just connected: a collector idling (or stopped for want of pages) runs now. */
  wake(): void {
    if (!this.running) void this.now();
  }

  private schedule(tookMs: number) {
    if (this.stopped) return;
    const period = this.listening() ? this.every : this.idleEvery;
    if (period === undefined) return;
    this.timer = setTimeout(() => void this.now(), Math.max(0, period - tookMs));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}

/**
 * The console: a page on 127.0.0.1 fed by server-sent events and a log
 * search endpoint over the same index as stack:logs.
 *
 * Collection starts with the server, not with the first page, and each part
 * of the state is collected on its own: every service's health (each pushed
 * as soon as its probe answers, on the first round), then the log index
 * (simulation markers) and resource use, which never hold the health back.
 * A page gets the last state at once, in the HTML itself and again as the
 * first event, with the time it was collected.
 */
export async function startConsole(deps: ConsoleDeps, port: number, intervalMs = 1000): Promise<RunningConsole> {
  const index = LogIndex.open(deps.indexFile);
  const clients = new Set<ServerResponse>();
  const listening = () => clients.size > 0;
  const known = new Map<string, ServiceHealth>();
  let healthTime = '';
  let markers: ConsoleState['markers'] = [];
  let stats: StackStats | undefined;
  const snapshot = (): ConsoleState | undefined =>
    known.size ? summarize(deps.stack, deps.services, known, { time: healthTime, markers, stats }) : undefined;
  /** To every page still listening: a page that went away mid-write is dropped, never a crash of the console. */
  const send = (text: string) => {
    for (const client of clients) {
      if (client.writableEnded || client.destroyed) clients.delete(client);
      else client.write(text);
    }
  };
  const push = () => {
    const state = snapshot();
    if (state) send(`data: ${JSON.stringify(state)}\n\n`);
  };
  const failure = (error: unknown) => send(`event: failure\ndata: ${JSON.stringify({ message: (error as Error).message })}\n\n`);

  let firstRound = true;
  const health = new Collector(
    async () => {
      const round = firstRound;
      // Every service in parallel; on the first round each verdict is shown as it comes (a partial table, "checking" in the summary).
      const results = await Promise.allSettled(
        deps.services.map(async (service) => {
          const verdict = await checkHealth(deps, service);
          if (round) {
            known.set(service.name, verdict);
            healthTime = new Date().toISOString();
            push();
          }
          return verdict;
        }),
      );
      for (const result of results) if (result.status === 'fulfilled') known.set(result.value.service, result.value);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) return failure(failed.reason);
      healthTime = new Date().toISOString();
      if (round) {
        firstRound = false;
        // The rest waits for the first health round: the log index's first sync parses every line on this thread.
        void logs.now();
        if (listening()) void resources.now();
      } else push();
    },
    intervalMs,
    IDLE_EVERY * intervalMs,
    listening,
  );
  const logs = new Collector(
    async () => {
      try {
        await syncLogIndex(index, deps);
        const next = markersOf(index);
        if (JSON.stringify(next) !== JSON.stringify(markers)) {
          markers = next;
          push();
        }
      } catch (error) {
        failure(error);
      }
    },
    intervalMs,
    IDLE_EVERY * intervalMs,
    listening,
  );
  const resources = new Collector(
    async () => {
      try {
        stats = await stackStats(deps.runtime, deps.stack);
        push();
      } catch (error) {
        failure(error);
      }
    },
    STATS_EVERY * intervalMs,
    undefined,
    listening,
  );
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(consolePage(snapshot()));
    } else if (url.pathname === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      clients.add(res);
      req.on('close', () => clients.delete(res));
      res.on('error', () => clients.delete(res));
      const state = snapshot();
      if (state) res.write(`data: ${JSON.stringify(state)}\n\n`);
      // Collectors idling (or, for resource use, stopped) while no page listened run now; one in flight is not run twice.
      health.wake();
      if (!firstRound) {
        logs.wake();
        resources.wake();
      }
    } else if (url.pathname === '/api/state') {
      const state = await consoleState(deps, index, true);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(state));
    } else if (url.pathname === '/api/logs') {
      // The sync in flight, if any, else a new one: never two syncs of the index at once.
      await logs.now();
      const result = index.search(queryFromUrl(url));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(result));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: error.message }));
    });
  });
  // 127.0.0.1 only: the console shows the stack's inside, never to the network.
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
  } catch (error) {
    index.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new StackError(
        `Cannot start the stack console: port ${port} on 127.0.0.1 is already in use${ownerText(findPortOwner(port), port)} (find its owner with: ss -tanp 'sport = :${port}'). ` +
          'Free it, or pick another port with --port=<n> (PAWS360_PORT_OFFSET is added to it; --port=0 picks a free one).',
        { cause: error },
      );
    }
    throw error;
  }
  // Collecting starts now, before anyone opens the page: the first one to open it gets the stack's health sooner.
  void health.now();
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: async () => {
      for (const client of clients) client.end();
      await Promise.all([health.stop(), logs.stop(), resources.stop()]);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      index.close();
    },
  };
}
