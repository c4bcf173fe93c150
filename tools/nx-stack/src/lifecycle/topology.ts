import { ConfigError } from '../core/config-error';
import { memberHostname } from '../core/naming';
import type { ServiceDefinition } from '../core/service-config';
import type { TopologyService } from '../kinds/kind';
import { kindOf } from '../kinds/registry';

/**
 * The services a service's containers are told about: the ones it depends
 * on (its edges in the Nx graph) and those of the kinds its kind asks to
 * know (redis asks the Sentinels who the master is). Derived from the
 * service definitions alone, so it is the same for every command.
 */
export function relatedServices(service: ServiceDefinition, services: ServiceDefinition[]): TopologyService[] {
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
  return related.map((s) => ({
    name: s.name,
    kind: s.config.kind,
    hosts: Array.from({ length: s.config.replicas }, (_, i) => memberHostname(s.name, i + 1)),
    ports: Object.fromEntries(s.config.ports.map((p) => [p.name, p.container])),
  }));
}

const envName = (...parts: string[]) => parts.join('_').toUpperCase().replace(/-/g, '_');

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
  const related = relatedServices(service, services);
  const env: Record<string, string> = {
    PAWS360_MEMBERS: Array.from({ length: service.config.replicas }, (_, i) => memberHostname(service.name, i + 1)).join(','),
  };
  for (const other of related) {
    env[envName('PAWS360', other.kind, 'SERVICE')] = other.name;
    env[envName('PAWS360', other.kind, 'MEMBERS')] = other.hosts.join(',');
    for (const [port, container] of Object.entries(other.ports)) {
      env[envName('PAWS360', other.kind, port, 'ENDPOINTS')] = other.hosts.map((host) => `${host}:${container}`).join(',');
    }
  }
  return { ...env, ...(kindOf(service).render?.(related) ?? {}) };
}
