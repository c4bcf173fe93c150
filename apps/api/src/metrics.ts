// GET /metrics: Prometheus text format via prom-client, from a registry of
// our own (not prom-client's global one, so each app instance, e.g. each unit
// test, starts from zero).
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CacheStats } from './sis/service';

/** pg's Pool counters (a fake in tests). */
export interface PoolStats {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
}

export interface Metrics {
  registry: Registry;
  /** One observation per answered request; `route` is the pattern (/api/students/:id), never the URL. */
  observeRequest(method: string, route: string, statusCode: number, seconds: number): void;
  cache: CacheStats;
}

export function createMetrics(pool?: PoolStats): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const requests = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    // A cached read takes ~1 ms, a database read a few ms, a failover seconds.
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  if (pool) {
    new Gauge({
      name: 'pg_pool_connections',
      help: 'PostgreSQL pool connections, by state: total (open), idle, in_use (checked out)',
      labelNames: ['state'] as const,
      registers: [registry],
      collect() {
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'in_use' }, pool.totalCount - pool.idleCount);
      },
    });
    new Gauge({
      name: 'pg_pool_waiting_clients',
      help: 'Queries waiting for a PostgreSQL pool connection',
      registers: [registry],
      collect() {
        this.set(pool.waitingCount);
      },
    });
  }

  const hits = new Counter({ name: 'cache_hits_total', help: 'Reads answered from Redis, by entity', labelNames: ['entity'] as const, registers: [registry] });
  const misses = new Counter({
    name: 'cache_misses_total',
    help: 'Reads answered from PostgreSQL (not cached, unreadable, or Redis unavailable), by entity',
    labelNames: ['entity'] as const,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'cache_errors_total',
    help: 'Redis commands that failed (the request still succeeded), by operation',
    labelNames: ['operation'] as const,
    registers: [registry],
  });

  return {
    registry,
    observeRequest: (method, route, statusCode, seconds) => requests.observe({ method, route, status_code: String(statusCode) }, seconds),
    cache: {
      hit: (entity) => hits.inc({ entity }),
      miss: (entity) => misses.inc({ entity }),
      error: (operation) => errors.inc({ operation }),
    },
  };
}
