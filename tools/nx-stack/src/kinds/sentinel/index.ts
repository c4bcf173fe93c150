import type { KindModule } from '../kind';
import { allHealthy, quorumServing } from '../readiness';
import { DEFAULT_MASTER_NAME, SENTINEL_ROLES, sentinelProbe, type SentinelRole } from './sentinel-probe';
import { sentinelParity } from './parity';
import { parseRedisLogLine } from '../log-line';
import { repairSentinel } from './repair';

export { DEFAULT_MASTER_NAME, SENTINEL_ROLES, type SentinelRole };

/** Redis Sentinel: ready once a quorum agrees on the master; healthy once every Sentinel sees every replica and peer. */
export const sentinelKind: KindModule<SentinelRole> = {
  kind: 'sentinel',
  roles: SENTINEL_ROLES,
  probe: sentinelProbe,
  readyForDependents: (health) => quorumServing(health),
  fullyHealthy: allHealthy,
  dataKeepsSecrets: true,
  knows: [],
  // A Sentinel with a stale view of the master (stack:recover).
  repair: repairSentinel,
  parity: sentinelParity,
  parseLogLine: parseRedisLogLine,
  simulations: [],
};
