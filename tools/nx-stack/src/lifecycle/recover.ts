import { StackError } from '../core/errors';
import { LABELS, stackLabels } from '../core/naming';
import type { ServiceDefinition } from '../core/service-config';
import { checkHealth, probeContext } from '../kinds/health';
import type { ServiceHealth } from '../kinds/kind';
import { kindModule } from '../kinds/registry';
import type { ContainerRuntime } from '../runtime/container-runtime';
import { startLayers } from './start-order';
import { upService, type UpDeps } from './up';
import { StartFailedError, waitFor } from './wait';

export interface RecoveryAction {
  service: string;
  action: string;
}

export interface RecoveryReport {
  actions: RecoveryAction[];
  /** Warnings it cannot fix itself (a container clock off the host's). */
  warnings: string[];
  health: ServiceHealth[];
  durationMs: number;
}

/** How far a container's clock may be from the host's before it is reported (TLS, etcd leases and Patroni TTLs care). */
export const MAX_CLOCK_SKEW_SECONDS = 2;

/** Each running container's clock against the host's: after a laptop sleeps, Docker Desktop's VM clock can lag. */
export async function clockSkews(runtime: ContainerRuntime, stack: string): Promise<Array<{ container: string; skewSeconds: number }>> {
  const running = (await runtime.listContainers(stackLabels(stack))).filter((c) => c.state === 'running');
  // One container per service is enough: they share the engine's clock.
  const seen = new Set<string>();
  const sample = running.filter((c) => !seen.has(c.labels[LABELS.service]) && seen.add(c.labels[LABELS.service]));
  const skews = await Promise.all(
    sample.map(async (c) => {
      const before = Date.now();
      const result = await runtime.exec(c.id, ['date', '+%s']).catch(() => undefined);
      const text = result?.stdout.trim() ?? '';
      if (!result || result.exitCode !== 0 || !/^\d+$/.test(text)) return undefined;
      const seconds = Number(text);
      const host = (before + Date.now()) / 2000;
      return { container: c.name, skewSeconds: Math.round((seconds - host) * 10) / 10 };
    }),
  );
  return skews.filter((s): s is { container: string; skewSeconds: number } => s !== undefined);
}

/**
 * stack:recover — puts every service back into its healthy topology and
 * says what it did: resumes paused members, starts exited ones, recreates
 * missing or stale ones and re-attaches cut-off ones (up's own plan), layer
 * by layer; then lets each kind repair what running members cannot fix
 * themselves within `settleSeconds` (a Patroni replica that does not stream
 * is reinitialised from the leader), and waits until everything is healthy.
 */
export async function recoverStack(
  deps: UpDeps,
  services: ServiceDefinition[],
  options: { settleSeconds?: number; timeoutSeconds?: number; only?: string[] } = {},
): Promise<RecoveryReport> {
  const started = Date.now();
  const actions: RecoveryAction[] = [];
  const warnings: string[] = [];
  const byName = new Map(services.map((s) => [s.name, s]));
  const unknown = (options.only ?? []).filter((name) => !byName.has(name));
  if (unknown.length) throw new StackError(`stack:recover --services: no service named ${unknown.join(', ')} (known: ${[...byName.keys()].join(', ')})`);
  // Only these (and none of the others, not even their dependencies); every service still shapes the topology the members are told.
  const only = options.only ?? [];
  const selected = only.length ? services.filter((s) => only.includes(s.name)) : services;
  const layers = startLayers(selected);
  const timeoutOf = (service: ServiceDefinition) => options.timeoutSeconds ?? service.config.startTimeoutSeconds;
  const settleSeconds = options.settleSeconds ?? 20;
  const repair = async (service: ServiceDefinition, current: ServiceHealth) => {
    const repairKind = kindModule(service.config.kind).repair;
    const repaired = repairKind ? await repairKind(await probeContext(deps, service), current) : [];
    actions.push(...repaired.map((action) => ({ service: service.name, action })));
  };
  for (const layer of layers) {
    const results = await Promise.all(
      layer.map((service) =>
        upService(deps, service, {
          services,
          until: 'ready',
          // Waited for below: a service that does not become ready on its own (Sentinels split on the master) is repaired first.
          wait: false,
          dependencies: service.config.dependsOn.flatMap((name) => {
            const dependency = byName.get(name);
            return dependency ? [dependency] : [];
          }),
        }),
      ),
    );
    results.forEach((result, index) => {
      for (const [member, action] of Object.entries(result.actions)) {
        if (action !== 'keep') actions.push({ service: layer[index].name, action: `${member}: ${action}` });
      }
    });
    // What the next layer needs: ready on its own within settleSeconds, else after its kind's repair.
    await Promise.all(
      layer.map(async (service) => {
        const ready = await waitFor(deps, service, 'ready', settleSeconds, { failOnCrash: true }).catch((error: unknown) => {
          if (error instanceof StartFailedError) throw error;
          return undefined;
        });
        if (ready) return;
        await repair(service, await checkHealth(deps, service));
        await waitFor(deps, service, 'ready', timeoutOf(service));
      }),
    );
  }
  const health: ServiceHealth[] = [];
  // Dependencies first: a Redis replica is repaired before the Sentinels that watch it are judged.
  for (const service of layers.flat()) {
    let current = await checkHealth(deps, service);
    if (!current.healthy) {
      // Give members time to catch up on their own (replicas re-sync after a restart) before repairing anything.
      current = await waitFor(deps, service, 'healthy', settleSeconds)
        .then((r) => r.health)
        .catch(() => checkHealth(deps, service));
    }
    if (!current.healthy) {
      await repair(service, current);
      current = (await waitFor(deps, service, 'healthy', timeoutOf(service))).health;
    }
    health.push(current);
  }
  for (const skew of await clockSkews(deps.runtime, deps.stack)) {
    if (Math.abs(skew.skewSeconds) > MAX_CLOCK_SKEW_SECONDS) {
      warnings.push(
        `${skew.container}'s clock is ${Math.abs(skew.skewSeconds)} s ${skew.skewSeconds < 0 ? 'behind' : 'ahead of'} the host's ` +
          `(the engine's VM after a sleep): restart the engine (Docker Desktop: Troubleshoot → Restart) to resync it`,
      );
    }
  }
  return { actions, warnings, health, durationMs: Date.now() - started };
}
