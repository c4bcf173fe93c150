import { existsSync } from 'node:fs';
import { LABELS, networkName, stackLabels } from '../core/naming';
import type { ContainerRuntime } from '../runtime/container-runtime';

/** A stack as the engine shows it: its containers and who they belong to. */
export interface StackOnEngine {
  stack: string;
  containers: string[];
  /** Checkouts (workspace roots) whose `up` created its containers. */
  checkouts: string[];
  /** Processes its containers were made for (throwaway stacks of test runs and benchmarks). */
  ownerPids: number[];
}

/** Every stack that has a container on the engine, by the stack label. */
export async function stacksOnEngine(runtime: ContainerRuntime): Promise<StackOnEngine[]> {
  const byStack = new Map<string, StackOnEngine>();
  for (const container of await runtime.listContainers({ [LABELS.stack]: '' })) {
    const name = container.labels[LABELS.stack];
    const entry = byStack.get(name) ?? { stack: name, containers: [], checkouts: [], ownerPids: [] };
    entry.containers.push(container.name);
    const checkout = container.labels[LABELS.checkout];
    if (checkout && !entry.checkouts.includes(checkout)) entry.checkouts.push(checkout);
    const pid = Number(container.labels[LABELS.ownerPid]);
    if (Number.isInteger(pid) && pid > 0 && !entry.ownerPids.includes(pid)) entry.ownerPids.push(pid);
    byStack.set(name, entry);
  }
  return [...byStack.values()].sort((a, b) => a.stack.localeCompare(b.stack));
}

const processAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export interface OrphanCheck {
  checkoutExists?: (path: string) => boolean;
  processAlive?: (pid: number) => boolean;
}

/**
 * Why a stack is orphaned, or undefined when it is not: every process it
 * was made for is gone (a crashed test run), or every checkout that made it
 * has been deleted (a CI clone). A stack with no owner label, or with a
 * checkout that still exists and no owner process, is somebody's stack and
 * is never pruned.
 */
export function orphanReason(stack: StackOnEngine, check: OrphanCheck = {}): string | undefined {
  const alive = check.processAlive ?? processAlive;
  const exists = check.checkoutExists ?? existsSync;
  if (stack.ownerPids.length > 0 && stack.ownerPids.every((pid) => !alive(pid))) {
    return `its owner process${stack.ownerPids.length > 1 ? 'es' : ''} ${stack.ownerPids.join(', ')} ${stack.ownerPids.length > 1 ? 'are' : 'is'} gone`;
  }
  if (stack.ownerPids.length === 0 && stack.checkouts.length > 0 && stack.checkouts.every((path) => !exists(path))) {
    return `its checkout ${stack.checkouts.join(', ')} no longer exists`;
  }
  return undefined;
}

export interface RemovedStack {
  stack: string;
  containers: number;
  volumes: number;
  network: boolean;
}

/** Removes every container, volume and the network of a stack (by its labels, whatever services made them). */
export async function removeStack(runtime: ContainerRuntime, stack: string): Promise<RemovedStack> {
  const labels = stackLabels(stack);
  const containers = await runtime.listContainers(labels);
  await Promise.all(containers.map((c) => runtime.removeContainer(c.id)));
  const volumes = await runtime.listVolumes(labels);
  for (const volume of volumes) await runtime.removeVolume(volume);
  const network = await runtime.removeNetwork(networkName(stack));
  return { stack, containers: containers.length, volumes: volumes.length, network };
}
