import type { KindModule } from '../kind';
import { allHealthy, allServing } from '../readiness';
import { LEADER_PORT, REPLICAS_PORT, ROUTER_ROLES, STATS_PORT, SUPERUSER_PASSWORD, routerProbe, type RouterRole } from './router-probe';
import { routerParity } from './parity';
import { parseRouterLogLine } from './log-line';

export { LEADER_PORT, REPLICAS_PORT, ROUTER_ROLES, STATS_PORT, SUPERUSER_PASSWORD, type RouterRole };

/** HAProxy in front of Patroni. Ready once its leader port reaches the primary; healthy once the replicas port reaches a replica too. */
export const routerKind: KindModule<RouterRole> = {
  kind: 'router',
  roles: ROUTER_ROLES,
  probe: routerProbe,
  readyForDependents: allServing,
  fullyHealthy: allHealthy,
  knows: [],
  parity: routerParity,
  // HAProxy's built-in Prometheus exporter on the stats port (haproxy.cfg: /metrics).
  scrape: (s) => [{ job: s.name, targets: s.endpoints.stats ?? [], path: '/metrics' }],
  parseLogLine: parseRouterLogLine,
  simulations: [],
};
