import type { ServiceDefinition } from '../core/service-config';
import { checkHealth, type HealthDeps } from '../kinds/health';
import type { ServiceHealth } from '../kinds/kind';
import type { ContainerInfo } from '../runtime/container-runtime';
import { Progress, seconds } from '../core/progress';
import { ensureImage } from './image';
import { memberSpecs, type MemberSpec } from './member-spec';
import { LABELS, hostPortVariable, networkName, serviceLabels, stackLabels } from '../core/naming';
import { isPortFree } from './port-check';
import { ensureSecrets } from '../core/secrets';
import { StackError } from '../core/errors';
import { DependencyUnhealthyError, PortBusyError, type BusyPort } from './lifecycle-errors';

export interface UpDeps extends HealthDeps {
  log: (line: string) => void;
  progress?: Progress;
  /** Poll interval while waiting for health. */
  pollMs?: number;
  portFree?: (port: number) => Promise<boolean>;
}

export interface UpOptions {
  dependencies: ServiceDefinition[];
  timeoutSeconds?: number;
  /** Recreate every member even when its config is unchanged. */
  forceRecreate?: boolean;
  /** Rebuild the image without the engine's layer cache. */
  rebuild?: boolean;
}

type Action = 'keep' | 'start' | 'create' | 'recreate' | 'reconnect';

export interface UpResult {
  image: string;
  imageBuilt: boolean;
  actions: Record<string, Action>;
  health: ServiceHealth;
  durationMs: number;
}

/**
 * Brings one service to its desired state and waits until it is healthy.
 * Idempotent: members whose config hash is unchanged are kept (a healthy
 * service is one probe and done); changed ones are recreated.
 */
export async function upService(deps: UpDeps, service: ServiceDefinition, options: UpOptions): Promise<UpResult> {
  const started = Date.now();
  const { runtime, stack, log } = deps;
  await runtime.ping();

  for (const dependency of options.dependencies) {
    const health = await checkHealth(deps, dependency);
    if (!health.healthy) throw new DependencyUnhealthyError(service.name, dependency.name, health);
  }

  const image = await ensureImage(runtime, deps.workspaceRoot, service, {
    force: options.rebuild,
    onLine: (line) => log(`  [build ${service.name}] ${line}`),
  });
  log(
    image.built
      ? `${service.name}: built image ${image.tag} in ${seconds(image.durationMs)}`
      : `${service.name}: image ${image.tag} is up to date`,
  );

  const secrets = ensureSecrets(deps.workspaceRoot, stack, service.config.secrets);
  const specs = memberSpecs(stack, service, image.tag, secrets, deps.env);
  const existing = await runtime.listContainers(serviceLabels(stack, service.name));
  const plan = specs.map((spec) => {
    const current = findMember(existing, spec.member);
    return { spec, current, action: decide(current, spec, options.forceRecreate ?? false), id: current?.id };
  });
  const surplus = existing.filter((c) => Number(c.labels[LABELS.member]) > service.config.replicas);

  // Every check that can fail on bad input runs before anything is created.
  await assertPortsFree(deps, service, plan.filter((p) => p.action === 'create' || p.action === 'start').map((p) => p.spec));

  const created: string[] = [];
  const createdVolumes: string[] = [];
  try {
    await runtime.ensureNetwork(networkName(stack), stackLabels(stack));
    for (const spec of plan.filter((p) => p.action === 'create' || p.action === 'recreate').map((p) => p.spec)) {
      for (const mount of spec.mounts) {
        const labels = { ...serviceLabels(stack, service.name), [LABELS.member]: String(spec.member) };
        if (await runtime.ensureVolume(mount.volume, labels)) createdVolumes.push(mount.volume);
      }
    }
    await Promise.all(surplus.map((c) => runtime.removeContainer(c.id)));
    // allSettled: when one create fails, the others still in flight must land in `created` before the rollback runs.
    const creates = await Promise.allSettled(
      plan.map(async (item) => {
        if (item.action === 'recreate' && item.current) await runtime.removeContainer(item.current.id);
        if (item.action === 'create' || item.action === 'recreate') {
          item.id = await runtime.createContainer(item.spec);
          created.push(item.id);
        }
      }),
    );
    const failedCreate = creates.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failedCreate) throw failedCreate.reason;
    await Promise.all(
      plan.filter((p) => p.action === 'reconnect').map((p) => runtime.connectNetwork(p.spec.network, p.id!, p.spec.aliases)),
    );
    // Members of a cluster must start together (etcd's static bootstrap waits for its peers).
    await Promise.all(plan.filter((p) => p.action !== 'keep').map((p) => runtime.startContainer(p.id!)));
  } catch (error) {
    // Leave nothing half-made: what this run created goes again (volumes only when new and unused).
    await Promise.allSettled(created.map((id) => runtime.removeContainer(id)));
    await Promise.allSettled(createdVolumes.map((v) => runtime.removeVolume(v)));
    throw error;
  }

  const actions = Object.fromEntries(plan.map((p) => [p.spec.name, p.action]));
  const changed = plan.filter((p) => p.action !== 'keep').map((p) => `${p.spec.name} (${p.action})`);
  if (changed.length) log(`${service.name}: ${changed.join(', ')}`);
  const health = await waitHealthy(deps, service, options.timeoutSeconds ?? service.config.startTimeoutSeconds);
  return { image: image.tag, imageBuilt: image.built, actions, health, durationMs: Date.now() - started };
}

const findMember = (containers: ContainerInfo[], member: number) =>
  containers.find((c) => c.labels[LABELS.member] === String(member));

function decide(current: ContainerInfo | undefined, spec: MemberSpec, force: boolean): Action {
  if (!current) return 'create';
  if (force || current.labels[LABELS.configHash] !== spec.configHash) return 'recreate';
  // Cut off from the stack network (a partition left behind): attach it again.
  if (!current.networks.includes(spec.network)) return 'reconnect';
  return current.state === 'running' ? 'keep' : 'start';
}

async function assertPortsFree(deps: UpDeps, service: ServiceDefinition, specs: MemberSpec[]): Promise<void> {
  const portFree = deps.portFree ?? isPortFree;
  const busy: BusyPort[] = [];
  for (const spec of specs) {
    for (const [index, port] of spec.ports.entries()) {
      if (!(await portFree(port.host))) {
        busy.push({ port: port.host, member: spec.name, variable: hostPortVariable(service.name, service.config.ports[index]) });
      }
    }
  }
  if (busy.length) throw new PortBusyError(service.name, busy);
}

/** Polls the health probe until every member is healthy or the timeout passes. */
export async function waitHealthy(deps: UpDeps, service: ServiceDefinition, timeoutSeconds: number): Promise<ServiceHealth> {
  const progress = deps.progress ?? new Progress();
  const started = Date.now();
  const deadline = started + timeoutSeconds * 1000;
  for (;;) {
    const health = await checkHealth(deps, service);
    const elapsed = Date.now() - started;
    if (health.healthy) {
      progress.done(`${service.name}: ${health.components.length}/${health.components.length} healthy after ${seconds(elapsed)}`);
      return health;
    }
    const waitingOn = health.components.find((c) => c.status !== 'healthy')!;
    if (Date.now() >= deadline) {
      progress.done(`${service.name}: still not healthy after ${timeoutSeconds}s`);
      throw new StackError(await timeoutReport(deps, service, health, timeoutSeconds));
    }
    progress.update(
      `${waitingOn.name}:${waitingOn.detail}`,
      `${service.name}: waiting for ${waitingOn.name} to be healthy (${waitingOn.detail}) ${seconds(elapsed)}`,
    );
    await new Promise((resolve) => setTimeout(resolve, deps.pollMs ?? 250));
  }
}

async function timeoutReport(deps: UpDeps, service: ServiceDefinition, health: ServiceHealth, timeoutSeconds: number) {
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
  return (
    `${service.name} did not become healthy within ${timeoutSeconds}s ` +
    `(${health.components.length - bad.length}/${health.components.length} components healthy):\n${sections.join('\n')}\n` +
    `  The containers are left running for diagnosis: npx nx run ${service.name}:logs, npx nx run ${service.name}:inspect; ` +
    `remove them with npx nx run ${service.name}:down.`
  );
}
