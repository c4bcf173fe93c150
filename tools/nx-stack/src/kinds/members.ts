import type { ServiceDefinition } from '../core/service-config';
import type { ContainerRuntime } from '../runtime/container-runtime';
import { LABELS, containerName, hostPort, memberHostname, serviceLabels } from '../core/naming';
import type { ComponentHealth, MemberView } from './kind';

/** Every member the service should have, with its container (if any) as the engine reports it. */
export async function observeMembers(
  runtime: ContainerRuntime,
  stack: string,
  service: ServiceDefinition,
  env: NodeJS.ProcessEnv,
): Promise<MemberView[]> {
  const containers = await runtime.listContainers(serviceLabels(stack, service.name));
  return Array.from({ length: service.config.replicas }, (_, index) => {
    const member = index + 1;
    const container = containers.find((c) => c.labels[LABELS.member] === String(member));
    return {
      member,
      containerName: containerName(stack, service.name, member),
      hostname: memberHostname(service.name, member),
      container,
      running: container?.state === 'running',
      hostPorts: Object.fromEntries(service.config.ports.map((p) => [p.name, hostPort(service, p, member, env)])),
    };
  });
}

const NO_CONTAINER = 'no container (run up)';
const NOT_RUNNING = 'container not running';

/** The verdict for a member whose container is not there or not running, else undefined. */
export function absentMember<R extends string = string>(view: MemberView): ComponentHealth<R> | undefined {
  if (!view.container) return { name: view.containerName, status: 'unhealthy', role: '-', detail: NO_CONTAINER, serving: false };
  if (!view.running) {
    return { name: view.containerName, status: 'unhealthy', role: '-', detail: `${NOT_RUNNING} (${view.container.state})`, serving: false };
  }
  return undefined;
}

/** Is this the verdict absentMember gives (the engine's fact, not the member's answer)? */
export const isAbsentVerdict = (c: ComponentHealth) => c.detail === NO_CONTAINER || c.detail.startsWith(`${NOT_RUNNING} (`);
