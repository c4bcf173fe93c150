import type { KindModule, TopologyService } from '../kind';
import { allHealthy, allServing } from '../readiness';
import { HTTP_ROLES, httpProbe, type HttpRole } from './http-probe';

export { HTTP_ROLES, type HttpRole };

const endpoints = (service: TopologyService, port: string) => service.hosts.map((host) => `${host}:${service.ports[port]}`);

/**
 * What an application needs from the stack, in the variables every client
 * library reads: libpq's PGHOST/PGPORT for the router's leader port, and the
 * Sentinels for Redis. Derived from its dependencies, never written by hand.
 */
export function renderAppEnv(related: TopologyService[]): Record<string, string> {
  const env: Record<string, string> = {};
  const router = related.find((s) => s.kind === 'router');
  if (router && router.ports.leader !== undefined) {
    env.PGHOST = router.hosts[0];
    env.PGPORT = String(router.ports.leader);
    if (router.ports.replicas !== undefined) env.PGREPLICAS = endpoints(router, 'replicas').join(',');
  }
  const sentinel = related.find((s) => s.kind === 'sentinel');
  if (sentinel && sentinel.ports.sentinel !== undefined) env.REDIS_SENTINELS = endpoints(sentinel, 'sentinel').join(',');
  return env;
}

/** An HTTP application (the API, the web frontend): ready and healthy when its health path answers 200. */
export const httpKind: KindModule<HttpRole> = {
  kind: 'http',
  roles: HTTP_ROLES,
  probe: httpProbe,
  readyForDependents: allServing,
  fullyHealthy: allHealthy,
  knows: [],
  render: renderAppEnv,
  simulations: [],
};
