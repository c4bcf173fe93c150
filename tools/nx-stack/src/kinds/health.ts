import type { ServiceDefinition } from '../core/service-config';
import type { ContainerRuntime } from '../runtime/container-runtime';
import { readSecrets, requireSecret } from '../core/secrets';
import type { ProbeContext, ServiceHealth, ServiceProbe } from './kind';
import { isAbsentVerdict, observeMembers } from './members';
import { probeFor } from './registry';

export interface HealthDeps {
  runtime: ContainerRuntime;
  workspaceRoot: string;
  stack: string;
  probe?: (service: ServiceDefinition) => ServiceProbe;
  /** Where host-port overrides are read (PAWS360_*_PORT, PAWS360_PORT_OFFSET): the stack's env, never assumed. */
  env: NodeJS.ProcessEnv;
}

export async function probeContext(deps: HealthDeps, service: ServiceDefinition): Promise<ProbeContext> {
  return {
    runtime: deps.runtime,
    stack: deps.stack,
    service,
    members: await observeMembers(deps.runtime, deps.stack, service, deps.env),
    // Read-only: checking health never writes the secrets file (only up generates it).
    secrets: readSecrets(deps.workspaceRoot, deps.stack, service.config.secrets),
    secret: (name) => requireSecret(deps.workspaceRoot, deps.stack, name),
  };
}

/** How long a confirming probe waits after an unhealthy verdict (a member busy for an instant answers by then). */
export const CONFIRM_AFTER_MS = 250;

/**
 * What `health` reports: one probe and, when it finds a running member
 * unhealthy, a second one CONFIRM_AFTER_MS later whose verdict stands. A
 * member that missed one answer on a loaded machine (a probe timeout) is
 * not reported as down; one that is really down is, a quarter second later.
 * Wait loops poll with checkHealth instead: they probe again anyway.
 */
export async function confirmedHealth(deps: HealthDeps, service: ServiceDefinition, confirmAfterMs = CONFIRM_AFTER_MS): Promise<ServiceHealth> {
  const started = performance.now();
  const first = await checkHealth(deps, service);
  if (first.healthy || first.components.filter((c) => c.status !== 'healthy').every(isAbsentVerdict)) return first;
  await new Promise((resolve) => setTimeout(resolve, confirmAfterMs));
  const second = await checkHealth(deps, service);
  return { ...second, durationMs: Math.round(performance.now() - started) };
}

/** Probes every member of the service once. */
export async function checkHealth(deps: HealthDeps, service: ServiceDefinition): Promise<ServiceHealth> {
  const started = performance.now();
  const probe = (deps.probe ?? ((s) => probeFor(s.config.kind)))(service);
  const components = await probe.health(await probeContext(deps, service));
  return {
    service: service.name,
    healthy: components.every((c) => c.status === 'healthy'),
    durationMs: Math.round(performance.now() - started),
    components,
  };
}
