import { StackError } from '../core/errors';
import type { ServiceHealth } from '../kinds/kind';
import { ownerText } from './port-owner';
import type { BusyPlannedPort } from './port-preflight';

export class DependencyUnhealthyError extends StackError {
  override name = 'DependencyUnhealthyError';
  constructor(service: string, dependency: string, health: ServiceHealth, condition = 'healthy', options?: { cause?: unknown }) {
    const bad = health.components.filter((c) => c.status !== 'healthy');
    const healthy = health.components.length - bad.length;
    super(
      `Cannot start ${service}: it depends on ${dependency}, which is not ${condition} ` +
        `(${healthy}/${health.components.length} components healthy).\n` +
        bad.map((c) => `  ✗ ${c.name}: ${c.detail}`).join('\n') +
        `\n  Start ${dependency} first: npx nx run ${dependency}:up (nx run ${service}:up does this unless task dependencies are excluded).`,
      options,
    );
  }
}

export interface BusyPort {
  port: number;
  member: string;
  variable: string;
}

export class PortBusyError extends StackError {
  override name = 'PortBusyError';
  constructor(service: string, busy: BusyPort[]) {
    super(
      `Cannot start ${service}: host port${busy.length > 1 ? 's' : ''} already in use on 127.0.0.1:\n` +
        busy.map((b) => `  - ${b.port} (for ${b.member}; set ${b.variable} to move it)`).join('\n') +
        `\n  Free the port (find its owner with: ss -ltnp 'sport = :${busy[0].port}'), or pick another one with the variable named, ` +
        `or shift the whole stack with PAWS360_PORT_OFFSET. Nothing was created.`,
    );
  }
}

const purpose = (p: BusyPlannedPort) =>
  `${p.port.description ?? `its "${p.port.name}" port`} (${p.service}${p.replicas > 1 ? ` member ${p.member}` : ''})`;

/** Ports a whole run needs that something else holds: found before anything of the run was created. */
export class PortsInUseError extends StackError {
  override name = 'PortsInUseError';
  constructor(readonly busy: BusyPlannedPort[]) {
    super(
      busy
        .map(
          (p) =>
            `Port ${p.host} required for ${purpose(p)} is already in use` +
            ownerText(p.owner, p.host) +
            `. Set ${p.variable} to move it.`,
        )
        .join('\n') +
        `\nOr shift every port of the stack with PAWS360_PORT_OFFSET. Nothing was created.`,
    );
  }
}

/** The stack of this name belongs to another checkout of the project (another clone, a git worktree). */
export class ForeignCheckoutError extends StackError {
  override name = 'ForeignCheckoutError';
  constructor(stack: string, service: string, owner: string, here: string) {
    super(
      `Stack "${stack}" (${service}) was started from another checkout, ${owner}, and uses the passwords generated there. ` +
        `Starting it from ${here} would recreate its containers with this checkout's passwords and break it for both.\n` +
        `  Run a separate stack from this checkout: PAWS360_STACK=<name> PAWS360_PORT_OFFSET=<n> npx nx run-many -t up (e.g. PAWS360_STACK=paws360-2 PAWS360_PORT_OFFSET=100),\n` +
        `  or stop that one from its checkout first: cd ${owner} && npx nx run-many -t down ` +
        `(its volumes keep that checkout's passwords: starting on them from here then needs its secrets file, or --wipe). Nothing was changed.`,
    );
  }
}

/**
 * A service's volumes hold data initialised with other passwords than the
 * stack's secrets file holds now (the file was deleted or regenerated, or the
 * volumes were made from another checkout): its members would start and then
 * fail every login. Found before anything is created.
 */
export class SecretsMismatchError extends StackError {
  override name = 'SecretsMismatchError';
  constructor(stack: string, service: string, volumes: string[], secretsFile: string, secrets: string[]) {
    super(
      `Cannot start ${service}: ${volumes.length > 1 ? 'its volumes' : 'its volume'} ${volumes.join(', ')} ` +
        `${volumes.length > 1 ? 'were' : 'was'} initialised with another ${secrets.join(' and ')} than ${secretsFile} holds now ` +
        `(that file was deleted or regenerated since, or stack "${stack}" was started from another checkout). ` +
        `Its members would start and then fail to log in to each other.\n` +
        `  Put back the secrets file the volumes were made with, or start ${service} with empty data: ` +
        `npx nx run ${service}:down --wipe (deletes its data), then up again. Nothing was created.`,
    );
  }
}
