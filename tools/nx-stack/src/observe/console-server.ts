import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServiceDefinition } from '../core/service-config';
import { checkHealth, type HealthDeps } from '../kinds/health';
import { LOG_LEVELS, type LogLevel } from '../kinds/log-line';
import type { ServiceHealth } from '../kinds/kind';
import { CONSOLE_PAGE } from './console-page';
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
  time: string;
  health: ServiceHealth[];
  healthy: number;
  total: number;
  /** Who holds the roles that move in a failover: "patroni" → "paws360-patroni-2". */
  leaders: Record<string, string>;
  stats?: StackStats;
  /** The failure simulations' markers in the logs, newest last. */
  markers: Array<{ time: string; container: string; text: string }>;
}

const LEADING_ROLES = new Set(['leader', 'master']);

/** One look at the stack: every member's health and role, who leads, the last simulation markers (and resource use when asked). */
export async function consoleState(deps: ConsoleDeps, index: LogIndex, withStats: boolean): Promise<ConsoleState> {
  const [health, stats] = await Promise.all([
    Promise.all(deps.services.map((service) => checkHealth(deps, service))),
    withStats ? stackStats(deps.runtime, deps.stack) : Promise.resolve(undefined),
    syncLogIndex(index, deps),
  ]);
  const components = health.flatMap((h) => h.components);
  const leaders: Record<string, string> = {};
  for (const h of health) for (const c of h.components) if (LEADING_ROLES.has(c.role) && c.status === 'healthy') leaders[h.service] = c.name;
  const markers = index.search({ grep: 'paws360-simulation', limit: 20 }).lines.map((l) => ({ time: l.time, container: l.container, text: l.text }));
  return {
    stack: deps.stack,
    time: new Date().toISOString(),
    health,
    healthy: components.filter((c) => c.status === 'healthy').length,
    total: components.length,
    leaders,
    ...(stats ? { stats } : {}),
    markers,
  };
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

/**
 * The console: a page on 127.0.0.1 fed by server-sent events (the stack's
 * state every `intervalMs`, resource use every fifth time) and a log search
 * endpoint over the same index as stack:logs.
 */
export async function startConsole(deps: ConsoleDeps, port: number, intervalMs = 1000): Promise<RunningConsole> {
  const index = LogIndex.open(deps.indexFile);
  const clients = new Set<ServerResponse>();
  let last: ConsoleState | undefined;
  let tick = 0;
  let busy = false;
  /** To every page still listening: a page that went away mid-write is dropped, never a crash of the console. */
  const send = (text: string) => {
    for (const client of clients) {
      if (client.writableEnded || client.destroyed) clients.delete(client);
      else client.write(text);
    }
  };
  const refresh = async () => {
    if (busy || clients.size === 0) return;
    busy = true;
    try {
      // Resource use every fifth push, not the first: docker stats takes about a second, the first paint should not wait for it.
      const withStats = tick++ % 5 === 4;
      const state = await consoleState(deps, index, withStats);
      last = { ...state, stats: state.stats ?? last?.stats };
      send(`data: ${JSON.stringify(last)}\n\n`);
    } catch (error) {
      send(`event: failure\ndata: ${JSON.stringify({ message: (error as Error).message })}\n\n`);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void refresh(), intervalMs);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(CONSOLE_PAGE);
    } else if (url.pathname === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      clients.add(res);
      req.on('close', () => clients.delete(res));
      res.on('error', () => clients.delete(res));
      if (last) res.write(`data: ${JSON.stringify(last)}\n\n`);
      void refresh();
    } else if (url.pathname === '/api/state') {
      const state = await consoleState(deps, index, true);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(state));
    } else if (url.pathname === '/api/logs') {
      await syncLogIndex(index, deps);
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
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: async () => {
      clearInterval(timer);
      for (const client of clients) client.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      index.close();
    },
  };
}
