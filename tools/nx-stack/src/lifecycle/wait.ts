import { StackError } from '../core/errors';
import { Progress, seconds } from '../core/progress';
import { serviceLabels } from '../core/naming';
import type { ServiceDefinition } from '../core/service-config';
import { checkHealth, type HealthDeps } from '../kinds/health';
import type { Readiness, ServiceHealth } from '../kinds/kind';
import { kindOf } from '../kinds/registry';

export interface WaitDeps extends HealthDeps {
  progress?: Progress;
  /** Poll interval while waiting. */
  pollMs?: number;
}

/**
 * The two conditions a kind declares: `ready` — what its dependents need
 * (etcd: a quorum with a leader; patroni: a leader accepting writes; redis:
 * a master; sentinel: a quorum agreeing on it) — and `healthy` — every
 * member in its intended role.
 */
export type Condition = 'ready' | 'healthy';

const describeCondition = (condition: Condition) => (condition === 'ready' ? 'ready for its dependents' : 'healthy');

export function judge(service: ServiceDefinition, health: ServiceHealth, condition: Condition): Readiness {
  const kind = kindOf(service);
  return condition === 'ready' ? kind.readyForDependents(health) : kind.fullyHealthy(health);
}

export interface WaitResult {
  health: ServiceHealth;
  readiness: Readiness;
  waitedMs: number;
}

/**
 * Polls the service's probe until its kind says the condition holds, or the
 * timeout passes (then a StackError naming what it waited for, with each
 * unhealthy member's probe detail and log tail).
 */
export async function waitFor(
  deps: WaitDeps,
  service: ServiceDefinition,
  condition: Condition,
  timeoutSeconds: number,
  options: { failOnCrash?: boolean } = {},
): Promise<WaitResult> {
  const progress = deps.progress ?? new Progress();
  const started = Date.now();
  const deadline = started + timeoutSeconds * 1000;
  for (;;) {
    if (options.failOnCrash) {
      const crashed = await crashedMember(deps, service);
      if (crashed) {
        progress.done(`${service.name}: failed to start`);
        throw crashed;
      }
    }
    const health = await checkHealth(deps, service);
    const readiness = judge(service, health, condition);
    const elapsed = Date.now() - started;
    if (readiness.ok) {
      const healthy = health.components.filter((c) => c.status === 'healthy').length;
      progress.done(
        condition === 'healthy'
          ? `${service.name}: ${health.components.length}/${health.components.length} healthy after ${seconds(elapsed)}`
          : `${service.name}: ready for its dependents after ${seconds(elapsed)} (${readiness.reason}; ${healthy}/${health.components.length} healthy)`,
      );
      return { health, readiness, waitedMs: elapsed };
    }
    if (Date.now() >= deadline) {
      progress.done(`${service.name}: still not ${describeCondition(condition)} after ${timeoutSeconds}s`);
      throw new StackError(await timeoutReport(deps, service, health, readiness, condition, timeoutSeconds));
    }
    progress.update(readiness.reason, `${service.name}: waiting to be ${describeCondition(condition)} (${readiness.reason}) ${seconds(elapsed)}`);
    await new Promise((resolve) => setTimeout(resolve, deps.pollMs ?? 250));
  }
}

/** A member whose process died right after `up` started it: the root cause, from its own log. */
export class StartFailedError extends StackError {
  override name = 'StartFailedError';
  constructor(
    readonly service: string,
    readonly member: string,
    readonly cause_: string,
    logTail: string,
  ) {
    super(
      `${service} failed to start — ${member}: ${cause_}\n    last log lines:\n${logTail
        .split('\n')
        .map((l) => `      ${l}`)
        .join('\n')}`,
    );
  }
}

/** The first line of a log that reads like the reason a process stopped (else its last line). */
export function rootCauseLine(log: string): string {
  const lines = log.split('\n').map((l) => l.trim()).filter(Boolean);
  const reason = lines.find((l) => /\b(fatal|panic|error|failed|cannot|invalid|unknown flag|no such|denied)\b/i.test(l));
  return (reason ?? lines[lines.length - 1] ?? '(its log is empty)').slice(0, 300);
}

/** A member that exited or is being restarted by the engine after a crash, as a StartFailedError. */
async function crashedMember(deps: WaitDeps, service: ServiceDefinition): Promise<StartFailedError | undefined> {
  const containers = await deps.runtime.listContainers(serviceLabels(deps.stack, service.name));
  const dead = containers.find((c) => c.state === 'exited' || c.state === 'dead' || c.state === 'restarting');
  if (!dead) return undefined;
  const log = (await deps.runtime.logs(dead.id, { tail: 40 }).catch((e: Error) => `(cannot read its log: ${e.message})`)).trimEnd();
  return new StartFailedError(service.name, dead.name, `${dead.state}: ${rootCauseLine(log)}`, log.split('\n').slice(-12).join('\n'));
}

/** Polls until every member is healthy (the kind's full-health condition) or the timeout passes. */
export async function waitHealthy(deps: WaitDeps, service: ServiceDefinition, timeoutSeconds: number): Promise<ServiceHealth> {
  return (await waitFor(deps, service, 'healthy', timeoutSeconds)).health;
}

async function timeoutReport(
  deps: WaitDeps,
  service: ServiceDefinition,
  health: ServiceHealth,
  readiness: Readiness,
  condition: Condition,
  timeoutSeconds: number,
) {
  const bad = health.components.filter((c) => c.status !== 'healthy');
  const containers = await deps.runtime.listContainers(serviceLabels(deps.stack, service.name));
  const sections = await Promise.all(
    bad.map(async (component) => {
      const container = containers.find((c) => c.name === component.name);
      const tail = container
        ? (await deps.runtime.logs(container.id, { tail: 25 }).catch((e: Error) => `(cannot read its log: ${e.message})`)).trimEnd()
        : '(no container)';
      return `  ✗ ${component.name}: ${component.detail}\n    last log lines:\n${tail.split('\n').map((l) => `      ${l}`).join('\n')}`;
    }),
  );
  const what = condition === 'healthy' ? 'become healthy' : `become ready for its dependents (${readiness.reason})`;
  return (
    `${service.name} did not ${what} within ${timeoutSeconds}s ` +
    `(${health.components.length - bad.length}/${health.components.length} components healthy):\n${sections.join('\n')}\n` +
    `  The containers are left running for diagnosis: npx nx run ${service.name}:logs, npx nx run ${service.name}:inspect; ` +
    `remove them with npx nx run ${service.name}:down.`
  );
}

/** Waits until every one of `services` is fully healthy (in parallel, each within its own start timeout). */
export async function waitAllHealthy(deps: WaitDeps, services: ServiceDefinition[]): Promise<ServiceHealth[]> {
  return Promise.all(services.map((service) => waitHealthy(deps, service, service.config.startTimeoutSeconds)));
}
