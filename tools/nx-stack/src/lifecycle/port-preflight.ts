import { hostPort, hostPortVariable, LABELS, serviceLabels } from '../core/naming';
import type { PortConfig, ServiceDefinition } from '../core/service-config';
import type { ContainerRuntime } from '../runtime/container-runtime';
import { PortsInUseError } from './lifecycle-errors';
import { findPortOwner, type PortOwner } from './port-owner';
import { isPortFree } from './port-check';

/** One host port a run would publish. */
export interface PlannedPort {
  service: string;
  member: number;
  replicas: number;
  port: PortConfig;
  host: number;
  /** The variable that moves it (PAWS360_<SERVICE>_<PORT>_PORT). */
  variable: string;
}

export interface BusyPlannedPort extends PlannedPort {
  owner?: PortOwner;
}

/** Every host port the services would publish on 127.0.0.1, member by member. */
export function plannedPorts(services: ServiceDefinition[], env: NodeJS.ProcessEnv): PlannedPort[] {
  return services.flatMap((service) =>
    Array.from({ length: service.config.replicas }, (_, index) => index + 1).flatMap((member) =>
      service.config.ports.map((port) => ({
        service: service.name,
        member,
        replicas: service.config.replicas,
        port,
        host: hostPort(service, port, member, env),
        variable: hostPortVariable(service.name, port),
      })),
    ),
  );
}

export interface PortPreflightDeps {
  runtime: ContainerRuntime;
  stack: string;
  env: NodeJS.ProcessEnv;
  portFree?: (port: number) => Promise<boolean>;
  portOwner?: (port: number) => PortOwner | undefined;
}

/**
 * The ports of the run that something else holds: busy, and not belonging
 * to a member this stack already has (a healthy stack re-run keeps its
 * ports). Checked for every service of the run before any container is
 * created, whatever the order the services start in.
 */
export async function busyPorts(deps: PortPreflightDeps, services: ServiceDefinition[]): Promise<BusyPlannedPort[]> {
  const portFree = deps.portFree ?? isPortFree;
  const owner = deps.portOwner ?? findPortOwner;
  const planned = plannedPorts(services, deps.env);
  // Ports taken twice within the run itself (two services set to one port) are a conflict too.
  const seen = new Map<number, PlannedPort>();
  const clashes: BusyPlannedPort[] = [];
  for (const p of planned) {
    const first = seen.get(p.host);
    if (first) clashes.push({ ...p, owner: { pid: 0, command: `this stack's ${first.service} member ${first.member} (${first.port.name})` } });
    else seen.set(p.host, p);
  }
  const checks = await Promise.all(planned.map(async (p) => ({ p, free: await portFree(p.host) })));
  const taken = checks.filter((c) => !c.free).map((c) => c.p);
  if (taken.length === 0) return clashes;
  // A member this stack already has holds its own port (or is about to: a
  // concurrent task of the same run may be starting it right now). Whether
  // something else took the port of a stopped member is for that member's
  // own start to find (up checks the ports of what it starts).
  const ours = new Set<string>();
  for (const service of new Set(taken.map((p) => p.service))) {
    for (const container of await deps.runtime.listContainers(serviceLabels(deps.stack, service))) {
      ours.add(`${service}/${container.labels[LABELS.member]}`);
    }
  }
  return [...clashes, ...taken.filter((p) => !ours.has(`${p.service}/${p.member}`)).map((p) => ({ ...p, owner: owner(p.host) }))];
}

/** Throws PortsInUseError naming every busy port, what needs it, who holds it and how to move it. */
export async function assertRunPortsFree(deps: PortPreflightDeps, services: ServiceDefinition[]): Promise<void> {
  const busy = await busyPorts(deps, services);
  if (busy.length) throw new PortsInUseError(busy);
}
