import { ConfigError } from '../core/config-error';
import { hostPort, memberHostname } from '../core/naming';
import type { PortConfig, ServiceDefinition } from '../core/service-config';
import type { RenderView, TopologyService } from '../kinds/kind';
import { kindOf } from '../kinds/registry';

/** How one member's port is dialled by the reader of the topology. */
type Address = (service: ServiceDefinition, port: PortConfig, member: number) => string;

/** Inside the stack network: the member's host name and container port. */
const inNetwork: Address = (service, port, member) => `${memberHostname(service.name, member)}:${port.container}`;

/** On the host: 127.0.0.1 and the member's published port (the same rule `up` publishes with). */
const onHost =
  (env: NodeJS.ProcessEnv): Address =>
  (service, port, member) =>
    `127.0.0.1:${hostPort(service, port, member, env)}`;

const members = (service: ServiceDefinition) => Array.from({ length: service.config.replicas }, (_, i) => i + 1);

/**
 * The services a service's containers are told about: the ones it depends
 * on (its edges in the Nx graph) and those of the kinds its kind asks to
 * know (redis asks the Sentinels who the master is). Derived from the
 * service definitions alone, so it is the same for every command.
 */
export function relatedServices(service: ServiceDefinition, services: ServiceDefinition[], address: Address = inNetwork): TopologyService[] {
  const byName = new Map(services.map((s) => [s.name, s]));
  const wanted = new Set(kindOf(service).knows);
  const related = [
    ...service.config.dependsOn.flatMap((name) => {
      const dependency = byName.get(name);
      return dependency ? [dependency] : [];
    }),
    ...services.filter((s) => s.name !== service.name && wanted.has(s.config.kind) && !service.config.dependsOn.includes(s.name)),
  ];
  const seen = new Map<string, string>();
  for (const other of related) {
    const previous = seen.get(other.config.kind);
    if (previous) {
      throw new ConfigError(`${service.root}/service.json`, [
        `field "dependsOn": ${previous} and ${other.name} are both of kind "${other.config.kind}"; a service can be told about one service per kind`,
      ]);
    }
    seen.set(other.config.kind, other.name);
  }
  return related.map((s) => {
    const topology: TopologyService = {
      name: s.name,
      kind: s.config.kind,
      hosts: members(s).map((member) => memberHostname(s.name, member)),
      ports: Object.fromEntries(s.config.ports.map((p) => [p.name, p.container])),
      endpoints: Object.fromEntries(s.config.ports.map((p) => [p.name, members(s).map((member) => address(s, p, member))])),
      ...(s.config.metrics ? { metrics: s.config.metrics } : {}),
    };
    const scrape = kindOf(s).scrape?.(topology);
    return scrape?.length ? { ...topology, scrape } : topology;
  });
}

const envName = (...parts: string[]) => parts.join('_').toUpperCase().replace(/-/g, '_');

function renderTopology(service: ServiceDefinition, related: TopologyService[], view: RenderView): Record<string, string> {
  const env: Record<string, string> = {
    PAWS360_MEMBERS: members(service)
      .map((member) => memberHostname(service.name, member))
      .join(','),
  };
  for (const other of related) {
    env[envName('PAWS360', other.kind, 'SERVICE')] = other.name;
    env[envName('PAWS360', other.kind, 'MEMBERS')] = other.hosts.join(',');
    for (const [port, endpoints] of Object.entries(other.endpoints)) {
      env[envName('PAWS360', other.kind, port, 'ENDPOINTS')] = endpoints.join(',');
    }
  }
  return { ...env, ...(kindOf(service).render?.(related, view) ?? {}) };
}

/**
 * The topology variables every member gets (entrypoints keep no member
 * count or host list of their own):
 *  - PAWS360_MEMBERS: its own service's member host names;
 *  - per related service of kind K: PAWS360_<K>_SERVICE, PAWS360_<K>_MEMBERS
 *    and PAWS360_<K>_<PORT>_ENDPOINTS (host:container-port per member);
 *  - whatever its kind renders from them (an application's PGHOST, REDIS_SENTINELS…).
 * They are part of the container spec and so of its config hash: a change
 * of a dependency's replicas recreates the dependents with the new list.
 */
export function topologyEnv(service: ServiceDefinition, services: ServiceDefinition[]): Record<string, string> {
  return renderTopology(service, relatedServices(service, services), { where: 'network' });
}

/**
 * The same variables for a process of the service run on the host (`api:dev`,
 * `api:migrate`): every endpoint is 127.0.0.1 and a published port, and the
 * kind gets the map from every member's in-network address to its published
 * one (a Sentinel answers with in-network names). Same port rule as `up`.
 */
export function hostTopologyEnv(service: ServiceDefinition, services: ServiceDefinition[], env: NodeJS.ProcessEnv): Record<string, string> {
  const address = onHost(env);
  const addressMap: Record<string, string> = {};
  for (const other of services) {
    for (const port of other.config.ports) {
      for (const member of members(other)) addressMap[inNetwork(other, port, member)] = address(other, port, member);
    }
  }
  return renderTopology(service, relatedServices(service, services, address), { where: 'host', addressMap });
}
