import { createHash } from 'node:crypto';
import type { ServiceDefinition } from '../core/service-config';
import { memoryBytes } from '../core/service-values';
import type { ContainerSpec } from '../runtime/container-runtime';
import { LABELS, containerName, hostPort, memberHostname, networkName, serviceLabels, volumeName } from '../core/naming';

export interface MemberSpec extends ContainerSpec {
  member: number;
  configHash: string;
}

/**
 * The container each member of a service should have. Its config hash covers
 * everything that shapes the container (image, env including the topology of
 * the services it is told about, ports, mounts, command…), so `up` recreates
 * a member exactly when one of those changed.
 */
export function memberSpecs(
  stack: string,
  service: ServiceDefinition,
  image: string,
  secrets: Record<string, string>,
  env: NodeJS.ProcessEnv = process.env,
  /** The topology variables (lifecycle/topology.ts); service.json's own env wins over them. */
  topology: Record<string, string> = {},
): MemberSpec[] {
  const { config } = service;
  return Array.from({ length: config.replicas }, (_, index) => {
    const member = index + 1;
    const base: ContainerSpec = {
      name: containerName(stack, service.name, member),
      image,
      hostname: memberHostname(service.name, member),
      env: {
        ...topology,
        ...config.env,
        ...secrets,
        PAWS360_STACK: stack,
        PAWS360_SERVICE: service.name,
        PAWS360_MEMBER: String(member),
        PAWS360_REPLICAS: String(config.replicas),
      },
      labels: {
        ...serviceLabels(stack, service.name),
        [LABELS.member]: String(member),
        ...(config.resources ? { [LABELS.limits]: `cpus=${config.resources.cpus} memory=${config.resources.memory}` } : {}),
      },
      cmd: config.command,
      network: networkName(stack),
      aliases: [memberHostname(service.name, member)],
      ports: config.ports.map((port) => ({ container: port.container, host: hostPort(service, port, member, env) })),
      mounts: config.volumes.map((volume) => ({
        volume: volumeName(stack, service.name, member, volume.name),
        target: volume.target,
      })),
      stopTimeoutSeconds: config.stopTimeoutSeconds,
      ...(config.resources
        ? { limits: { nanoCpus: Math.round(config.resources.cpus * 1e9), memoryBytes: memoryBytes(config.resources.memory) } }
        : {}),
    };
    const configHash = hashSpec(base);
    return { ...base, member, configHash, labels: { ...base.labels, [LABELS.configHash]: configHash } };
  });
}

function hashSpec(spec: ContainerSpec): string {
  // Sorted keys: the same spec always hashes the same, whatever the insertion order.
  const canonical = JSON.stringify(spec, (_key, value) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)))
      : value,
  );
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}
