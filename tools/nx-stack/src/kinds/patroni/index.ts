import { patroniReinitialize } from '../../clients/patroni';
import type { KindModule, ProbeContext, ServiceHealth } from '../kind';
import { allHealthy, healthyHolderOf, roleServing } from '../readiness';
import { API_PORT, PATRONI_ROLES, POSTGRES_PORT, patroniProbe, type PatroniRole } from './patroni-probe';
import { patroniParity } from './parity';
import { parsePatroniLogLine } from './log-line';

export { API_PORT, PATRONI_ROLES, POSTGRES_PORT, type PatroniRole };

const LEADER: PatroniRole = 'leader';
const SYNC: PatroniRole = 'sync-standby';

/** The container reported as leader (the one primary), optionally other than `exclude`. */
export const patroniLeaderOf = (health: ServiceHealth, exclude?: string) =>
  health.components.find((c) => c.role === LEADER && c.name !== exclude)?.name;
/** The leader's container name when that member is also healthy (a leader whose cluster is degraded does not count). */
export const healthyPatroniLeaderOf = (health: ServiceHealth) => healthyHolderOf(health, LEADER);
export const isPatroniLeader = (role: string | undefined) => role === LEADER;
export const isSyncStandby = (role: string | undefined) => role === SYNC;

/**
 * A running replica that does not stream from the leader (left on a
 * timeline the leader's history no longer has, after a power cut) is
 * reinitialised: Patroni wipes it and clones the leader again. Only with a
 * healthy serving leader, and never the leader itself.
 */
export async function repairPatroni(ctx: ProbeContext, health: ServiceHealth): Promise<string[]> {
  const leader = health.components.find((c) => c.role === LEADER && c.serving !== false);
  if (!leader) return [];
  const actions: string[] = [];
  for (const component of health.components) {
    if (component.name === leader.name || component.status === 'healthy') continue;
    const member = ctx.members.find((m) => m.containerName === component.name);
    if (!member?.running || !/not streaming|timeline|replication from/.test(component.detail)) continue;
    const answer = await patroniReinitialize(member.hostPorts[API_PORT], 10_000).catch((e: Error) => ({ status: 0, text: e.message }));
    actions.push(
      answer.status === 200
        ? `${component.name}: reinitialised from ${leader.name} (${component.detail})`
        : `${component.name}: reinitialise refused (${answer.status || 'no answer'}: ${answer.text})`,
    );
  }
  return actions;
}

/**
 * PostgreSQL under Patroni. Ready for dependents once a leader accepts
 * writes; fully healthy once every replica streams from it, less than 1 MB
 * behind, on its timeline, with a synchronous standby chosen.
 */
export const patroniKind: KindModule<PatroniRole> = {
  kind: 'patroni',
  roles: PATRONI_ROLES,
  probe: patroniProbe,
  readyForDependents: (health) => roleServing(health, LEADER),
  fullyHealthy: allHealthy,
  dataKeepsSecrets: true,
  knows: [],
  repair: repairPatroni,
  parity: patroniParity,
  // Patroni's REST API serves /metrics; PostgreSQL itself through postgres_exporter.
  scrape: (s) => [
    { job: s.name, targets: s.endpoints.api ?? [], path: '/metrics' },
    { job: `${s.name}-postgres`, targets: s.endpoints.postgres ?? [], exporter: 'postgres' },
  ],
  parseLogLine: parsePatroniLogLine,
  simulations: [
    {
      name: 'fail-leader',
      description:
        'Hard-stop (SIGKILL) the Patroni leader while a writer inserts through the router: measure the failover, no acknowledged write is lost; then the old leader rejoins as a replica',
    },
    {
      name: 'switchover',
      description:
        'Graceful Patroni switchover to the synchronous standby while a writer inserts through the router: measure the write gap, no acknowledged write is lost, the cluster is healthy after',
    },
    {
      name: 'partition',
      description:
        'Cut the Patroni leader off the stack network: it demotes itself, another member is elected, never two writable members, no acknowledged write is lost; then heal it and it rejoins as a replica',
    },
  ],
};
