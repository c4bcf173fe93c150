import type { ServiceDefinition } from '../core/service-config';
import type { ContainerRuntime } from '../runtime/container-runtime';
import { networkName, serviceLabels } from '../core/naming';

export interface DownResult {
  removedContainers: string[];
  removedVolumes: string[];
  networkRemoved: boolean;
}

/** Stops and removes the service's containers; with `wipe`, its volumes too. Idempotent. */
export async function downService(
  runtime: ContainerRuntime,
  stack: string,
  service: ServiceDefinition,
  options: { wipe?: boolean } = {},
): Promise<DownResult> {
  await runtime.ping();
  const labels = serviceLabels(stack, service.name);
  const containers = await runtime.listContainers(labels);
  await Promise.all(
    containers.map(async (c) => {
      await runtime.stopContainer(c.id, service.config.stopTimeoutSeconds);
      await runtime.removeContainer(c.id);
    }),
  );
  const removedVolumes: string[] = [];
  if (options.wipe) {
    for (const volume of await runtime.listVolumes(labels)) {
      await runtime.removeVolume(volume);
      removedVolumes.push(volume);
    }
  }
  // The network is shared by the stack: only the last service going down removes it.
  const networkRemoved = await runtime.removeNetwork(networkName(stack));
  return { removedContainers: containers.map((c) => c.name).sort(), removedVolumes, networkRemoved };
}
