import type { ExecutorContext } from '@nx/devkit';
import { SERVICE_TAG } from './constants';
import { StackError } from './errors';
import { loadService } from './load-service';
import type { ServiceDefinition, ServiceKind } from './service-config';

/** The services of the workspace as an executor sees them (Nx's project configurations). */
export type WorkspaceContext = Pick<ExecutorContext, 'root' | 'projectName' | 'projectsConfigurations'>;

export function projectRoot(context: WorkspaceContext, project = context.projectName): string {
  const config = project ? context.projectsConfigurations.projects[project] : undefined;
  if (!config) throw new StackError(`project "${project}" is not in the workspace`);
  return config.root;
}

/** The service the running target belongs to, validated. */
export function currentService(context: WorkspaceContext): ServiceDefinition {
  return loadService(context.root, projectRoot(context));
}

export function serviceByName(context: WorkspaceContext, name: string): ServiceDefinition {
  return loadService(context.root, projectRoot(context, name));
}

/**
 * Every service project of the workspace, in name order. Services of an
 * opt-in profile (service.json "profile") are left out unless asked for:
 * health, restore and the like cover the stack `npm start` starts.
 */
export function allServices(context: WorkspaceContext, options: { profiles?: boolean } = {}): ServiceDefinition[] {
  return Object.entries(context.projectsConfigurations.projects)
    .filter(([, project]) => project.tags?.includes(SERVICE_TAG))
    .map(([name]) => serviceByName(context, name))
    .filter((service) => options.profiles || !service.config.profile)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The service of `kind` in the workspace (the first by name), if any. */
export function serviceOfKind(context: WorkspaceContext, kind: ServiceKind): ServiceDefinition | undefined {
  return allServices(context).find((s) => s.config.kind === kind);
}

/** The service of `kind`, or a StackError saying what needs it: "<why>, but the workspace has no service of kind <kind>." */
export function requireServiceOfKind(context: WorkspaceContext, kind: ServiceKind, why: string): ServiceDefinition {
  const service = serviceOfKind(context, kind);
  if (!service) throw new StackError(`${why}, but the workspace has no service of kind ${kind}.`);
  return service;
}

/** The running target's service, which `what` (a simulation) only knows how to act on when it is of `kind`. */
export function currentServiceOfKind(context: WorkspaceContext, kind: ServiceKind, what: string): ServiceDefinition {
  const service = currentService(context);
  if (service.config.kind !== kind) throw new StackError(`${what} simulates a ${kind} failure; ${service.name} is a ${service.config.kind} service.`);
  return service;
}
