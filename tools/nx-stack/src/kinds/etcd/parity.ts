import { etcdMembers, etcdVersion } from '../../clients/etcd';
import type { ParamValue } from '../../core/parity-values';
import type { ServiceDefinition } from '../../core/service-config';
import type { ProbeContext } from '../kind';
import { problemOf, serviceFile, type KindParity, type LiveParameters } from '../parity';

const PORT = 'client';
const TIMEOUT_MS = 1500;

/** The entrypoint's timing flags: service.json's env, else the default it falls back to (`${ETCD_HEARTBEAT_INTERVAL_MS:-100}`). */
export function etcdDeclared(service: ServiceDefinition, workspaceRoot: string): Record<string, ParamValue> {
  const entrypoint = serviceFile(service, workspaceRoot, 'docker-entrypoint.sh');
  const fromEnv = (variable: string) => {
    const value = service.config.env[variable] ?? new RegExp(`\\$\\{${variable}:-(\\d+)\\}`).exec(entrypoint)?.[1];
    return value === undefined ? undefined : Number(value);
  };
  const values: Record<string, ParamValue> = {};
  const heartbeat = fromEnv('ETCD_HEARTBEAT_INTERVAL_MS');
  const election = fromEnv('ETCD_ELECTION_TIMEOUT_MS');
  if (heartbeat !== undefined) values['heartbeat-interval-ms'] = heartbeat;
  if (election !== undefined) values['election-timeout-ms'] = election;
  return values;
}

/** /version and the member list, from the first member that answers. */
export async function etcdLive(ctx: ProbeContext): Promise<LiveParameters> {
  const problems: string[] = [];
  for (const view of ctx.members.filter((m) => m.running)) {
    try {
      const port = view.hostPorts[PORT];
      const [version, members] = await Promise.all([etcdVersion(port, TIMEOUT_MS), etcdMembers(port)]);
      return { values: { version: version.etcdserver, members: members.length }, problems };
    } catch (error) {
      problems.push(problemOf(view.hostname, error));
    }
  }
  return { values: {}, problems };
}

export const etcdParity: KindParity = { declared: etcdDeclared, live: etcdLive };
