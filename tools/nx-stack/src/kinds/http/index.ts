import type { KindModule, RenderView, TopologyService } from '../kind';
import { allHealthy, allServing } from '../readiness';
import { HTTP_ROLES, httpProbe, type HttpRole } from './http-probe';
import { httpParity } from './parity';
import { parseHttpLogLine } from './log-line';

export { HTTP_ROLES, type HttpRole };

const split = (endpoint: string) => {
  const at = endpoint.lastIndexOf(':');
  return { host: endpoint.slice(0, at), port: endpoint.slice(at + 1) };
};

/**
 * What an application needs from the stack, in the variables every client
 * library reads: libpq's PGHOST/PGPORT for the router's leader port, the
 * Sentinels for Redis, and `<SERVICE>_URL` for an application it depends on
 * (the web frontend's API_URL). Derived from its dependencies, never written
 * by hand. On the host the Sentinels still name the Redis members by their
 * in-network host names, so REDIS_NAT_MAP translates those to published ports.
 */
export function renderAppEnv(related: TopologyService[], view: RenderView): Record<string, string> {
  const env: Record<string, string> = {};
  const router = related.find((s) => s.kind === 'router');
  if (router?.endpoints.leader?.length) {
    const leader = split(router.endpoints.leader[0]);
    env.PGHOST = leader.host;
    env.PGPORT = leader.port;
    if (router.endpoints.replicas?.length) env.PGREPLICAS = router.endpoints.replicas.join(',');
  }
  const sentinel = related.find((s) => s.kind === 'sentinel');
  if (sentinel?.endpoints.sentinel?.length) {
    env.REDIS_SENTINELS = sentinel.endpoints.sentinel.join(',');
    if (view.where === 'host' && view.addressMap) {
      env.REDIS_NAT_MAP = Object.entries(view.addressMap)
        .map(([from, to]) => `${from}=${to}`)
        .join(',');
    }
  }
  for (const app of related.filter((s) => s.kind === 'http')) {
    const http = app.endpoints.http?.[0] ?? Object.values(app.endpoints)[0]?.[0];
    if (http) env[`${app.name.toUpperCase().replace(/-/g, '_')}_URL`] = `http://${http}`;
  }
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
  parity: httpParity,
  // An application's own metrics endpoint, when its service.json declares one.
  scrape: (s) => (s.metrics ? [{ job: s.name, targets: s.endpoints[s.metrics.port] ?? [], path: s.metrics.path }] : []),
  parseLogLine: parseHttpLogLine,
  simulations: [],
};
