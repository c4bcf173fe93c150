import type { ServiceDefinition } from '../core/service-config';
import type { ContainerRuntime } from '../runtime/container-runtime';
import { readSecrets, requireSecret } from '../core/secrets';
import type { ProbeContext, ServiceHealth, ServiceProbe } from './kind';
import { observeMembers } from './members';
import { probeFor } from './registry';

export interface HealthDeps {
  runtime: ContainerRuntime;
  workspaceRoot: string;
  stack: string;
  probe?: (service: ServiceDefinition) => ServiceProbe;
  /** Where host-port overrides are read (PAWS360_*_PORT, PAWS360_PORT_OFFSET); default process.env. */
  env?: NodeJS.ProcessEnv;
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
