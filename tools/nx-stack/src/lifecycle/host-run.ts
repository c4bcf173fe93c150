import { StackError } from '../core/errors';
import { readSecrets } from '../core/secrets';
import type { ServiceDefinition } from '../core/service-config';
import { checkHealth } from '../kinds/health';
import { kindModule } from '../kinds/registry';
import type { StackDeps } from './stack-deps';
import { hostTopologyEnv } from './topology';

export interface HostRunRequest {
  workspaceRoot: string;
  stack: string;
  service: ServiceDefinition;
  services: ServiceDefinition[];
  /** The target's own variables (PORT for a dev server beside the container): they win. */
  env?: Record<string, string>;
}

/**
 * The environment a process of `service` gets when it runs on the host
 * instead of in its container: the same topology, rendered for the host
 * (127.0.0.1 and the published ports), its service.json env and the
 * stack's secrets, read and never generated (a stack that never started
 * has none, and `run` refuses before this).
 */
export function hostRunEnv(request: HostRunRequest, env: NodeJS.ProcessEnv): Record<string, string> {
  const { service } = request;
  const secrets = readSecrets(request.workspaceRoot, request.stack, service.config.secrets);
  return {
    ...hostTopologyEnv(service, request.services, env),
    ...service.config.env,
    ...secrets,
    PAWS360_STACK: request.stack,
    PAWS360_SERVICE: service.name,
    ...request.env,
  };
}

/**
 * Every service `service` depends on must be ready for dependents (the
 * rule `up` waits for) before a process of it runs on the host: otherwise
 * it would fail in a way that names the wrong thing. Says which service is
 * not and how to start it.
 */
export async function requireDependenciesReady(deps: StackDeps, request: HostRunRequest): Promise<void> {
  const byName = new Map(request.services.map((s) => [s.name, s]));
  const dependencies = request.service.config.dependsOn.flatMap((name) => {
    const dependency = byName.get(name);
    return dependency ? [dependency] : [];
  });
  const verdicts = await Promise.all(
    dependencies.map(async (dependency) => {
      const health = await checkHealth({ ...deps, stack: request.stack, workspaceRoot: request.workspaceRoot }, dependency);
      return { dependency, readiness: kindModule(dependency.config.kind).readyForDependents(health) };
    }),
  );
  const missing = verdicts.filter((v) => !v.readiness.ok);
  if (missing.length === 0) return;
  const names = missing.map((m) => m.dependency.name);
  throw new StackError(
    `${request.service.name} runs against stack "${request.stack}", but ${missing.map((m) => `${m.dependency.name} is not ready (${m.readiness.reason})`).join('; ')}. ` +
      `Start ${names.length > 1 ? 'them' : 'it'} first: npx nx run-many -t up -p ${names.join(',')}` +
      (request.stack === 'paws360' ? '' : ` (with PAWS360_STACK=${request.stack})`),
  );
}

/** The variables worth showing when a host process starts (addresses, never secrets). */
export function describeHostEnv(env: Record<string, string>, secretNames: readonly string[]): string {
  const shown = Object.entries(env).filter(
    ([name]) => !secretNames.includes(name) && !name.startsWith('PAWS360_') && name !== 'REDIS_NAT_MAP',
  );
  return shown.map(([name, value]) => `${name}=${value}`).join(' ');
}
