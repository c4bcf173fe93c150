import type { ContainerRuntime } from '../runtime/container-runtime';

export const MARKER_PREFIX = '[paws360-simulation]';

/**
 * Writes a marker line into the logs of running containers (to PID 1's
 * stdout, which is what the engine records), so `logs` shows when a
 * simulation touched them. A container that is not running is skipped: it
 * gets its marker when it is back.
 */
export async function markLogs(runtime: ContainerRuntime, containerIds: string[], text: string): Promise<void> {
  const line = `${MARKER_PREFIX} ${new Date().toISOString()} ${text}`;
  await Promise.allSettled(
    containerIds.map((id) => runtime.exec(id, ['sh', '-c', 'printf "%s\\n" "$1" > /proc/1/fd/1', 'sh', line], { timeoutMs: 5000 })),
  );
}
