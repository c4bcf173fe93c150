import { networkName, serviceLabels } from '../core/naming';
import type { ServiceDefinition } from '../core/service-config';
import type { MemberView } from '../kinds/kind';
import type { ContainerRuntime } from '../runtime/container-runtime';
import type { Restored } from './scenario-runner';

/**
 * Undoes what a simulation did to a member, whatever state it was left in:
 * attaches it to the stack network again (under its host name, so the others
 * resolve it) and starts it. Idempotent: a member that is running on the
 * network needs nothing ([]).
 */
export async function restoreMember(runtime: ContainerRuntime, stack: string, service: ServiceDefinition, member: MemberView): Promise<Restored[]> {
  const network = networkName(stack);
  const current = (await runtime.listContainers(serviceLabels(stack, service.name))).find((c) => c.id === member.container?.id);
  const actions: string[] = [];
  if (!current) return [];
  if (!current.networks.includes(network)) {
    await runtime.connectNetwork(network, current.id, [member.hostname]);
    actions.push(`reconnected to ${network} as ${member.hostname}`);
  }
  if (current.state !== 'running') {
    await runtime.startContainer(current.id);
    actions.push('started');
  }
  return actions.length ? [{ target: member.containerName, actions }] : [];
}
