import type { KindModule, ServiceHealth } from '../kind';
import { allHealthy, healthyHolderOf, quorumServing } from '../readiness';
import { ETCD_ROLES, etcdProbe, type EtcdRole } from './etcd-probe';
import { etcdParity } from './parity';
import { parseEtcdLogLine } from './log-line';

export { ETCD_ROLES, type EtcdRole };

/** The leader's container name, when a healthy member holds it. */
export const etcdLeaderOf = (health: ServiceHealth) => healthyHolderOf(health, 'leader' satisfies EtcdRole);

/** etcd: the DCS. Ready for Patroni once a quorum has a leader; healthy when every member is in step. */
export const etcdKind: KindModule<EtcdRole> = {
  kind: 'etcd',
  roles: ETCD_ROLES,
  probe: etcdProbe,
  readyForDependents: (health) => quorumServing(health, 'leader' satisfies EtcdRole),
  fullyHealthy: allHealthy,
  knows: [],
  parity: etcdParity,
  // etcd serves Prometheus metrics on its client port.
  scrape: (s) => [{ job: s.name, targets: s.endpoints.client ?? [], path: '/metrics' }],
  parseLogLine: parseEtcdLogLine,
  simulations: [
    {
      name: 'fail-node',
      description: 'Hard-stop one etcd member (the leader by default): reads and writes continue, Patroni keeps its leader; then restore it',
    },
  ],
};
