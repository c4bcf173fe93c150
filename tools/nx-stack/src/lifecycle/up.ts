import { join } from 'node:path';
import { seconds } from '../core/progress';
import { LABELS, hostPortVariable, imageNamespace, networkName, serviceLabels, stackLabels } from '../core/naming';
import { changedSecrets, ensureSecrets, readSecrets, secretsFingerprint, shownSecretsFile } from '../core/secrets';
import type { ServiceDefinition } from '../core/service-config';
import { checkHealth } from '../kinds/health';
import { kindOf } from '../kinds/registry';
import type { Readiness, ServiceHealth } from '../kinds/kind';
import type { ContainerInfo } from '../runtime/container-runtime';
import { withHostLock } from './host-lock';
import { ensureImage } from './image';
import { DependencyUnhealthyError, ForeignCheckoutError, PortBusyError, SecretsMismatchError, type BusyPort } from './lifecycle-errors';
import { memberSpecs, type MemberSpec } from './member-spec';
import { isPortFree } from './port-check';
import { topologyEnv } from './topology';
import { StartFailedError, judge, waitFor, type Condition, type WaitDeps } from './wait';

export { waitHealthy } from './wait';

export interface UpDeps extends WaitDeps {
  log: (line: string) => void;
  portFree?: (port: number) => Promise<boolean>;
}

export interface UpOptions {
  dependencies: ServiceDefinition[];
  /** Every service of the workspace: whose members the containers are told (topology). Default: the service and its dependencies. */
  services?: ServiceDefinition[];
  /**
   * What `up` waits for before it returns: `healthy` (every member in its
   * role, the default) or `ready` (what dependents need: a quorum, a leader,
   * a master), when dependents in the same run start as soon as that holds.
   */
  until?: Condition;
  timeoutSeconds?: number;
  /** Recreate every member even when its config is unchanged. */
  forceRecreate?: boolean;
  /** Rebuild the image without the engine's layer cache. */
  rebuild?: boolean;
  /** false: return once the members are started, with their health as it is (the caller waits; stack:recover repairs first). */
  wait?: boolean;
}

type Action = 'keep' | 'start' | 'unpause' | 'create' | 'recreate' | 'reconnect';

export interface UpResult {
  image: string;
  imageBuilt: boolean;
  actions: Record<string, Action>;
  health: ServiceHealth;
  /** The condition `up` waited for, and the kind's verdict on it. */
  until: Condition;
  readiness: Readiness;
  durationMs: number;
}

/**
 * What a service needs of its dependencies before it starts: each one ready
 * for its dependents (not necessarily fully healthy: replicas may still be
 * cloning). A dependency with no running member at all fails at once (it
 * was never started); one that is starting is waited for, up to its own
 * start timeout. Nothing is created before this holds.
 */
export async function awaitDependencies(deps: UpDeps, service: ServiceDefinition, dependencies: ServiceDefinition[]): Promise<void> {
  await Promise.all(
    dependencies.map(async (dependency) => {
      const health = await checkHealth(deps, dependency);
      if (judge(dependency, health, 'ready').ok) return;
      const running = (await deps.runtime.listContainers(serviceLabels(deps.stack, dependency.name))).some((c) => c.state === 'running');
      if (!running) throw new DependencyUnhealthyError(service.name, dependency.name, health, 'running');
      try {
        await waitFor(deps, dependency, 'ready', dependency.config.startTimeoutSeconds);
      } catch (error) {
        throw new DependencyUnhealthyError(service.name, dependency.name, await checkHealth(deps, dependency), 'ready for its dependents', { cause: error });
      }
    }),
  );
}

/**
 * The image `up` runs the service from (lifecycle/image: built only when no
 * image carries its content hash, one build per image at a time in this
 * process), its build lines prefixed with the service's name. A batch of
 * `up` tasks calls it ahead of the tasks (executors/up: prewarmImages), with
 * the same arguments, so each task joins its image's build in flight.
 */
export function ensureServiceImage(
  deps: Pick<UpDeps, 'runtime' | 'workspaceRoot' | 'env' | 'log'>,
  service: ServiceDefinition,
  rebuild?: boolean,
): ReturnType<typeof ensureImage> {
  return ensureImage(deps.runtime, deps.workspaceRoot, service, {
    namespace: imageNamespace(deps.env ?? {}),
    force: rebuild,
    onLine: (line) => deps.log(`  [build ${service.name}] ${line}`),
  });
}

/**
 * Brings one service to its desired state and waits until it is healthy
 * (or, with until: 'ready', until its dependents can start). Idempotent:
 * members whose config hash is unchanged are kept (a healthy service is one
 * probe and done); changed ones are recreated.
 */
export async function upService(deps: UpDeps, service: ServiceDefinition, options: UpOptions): Promise<UpResult> {
  const started = Date.now();
  const { runtime, stack, log } = deps;
  await runtime.ping();
  assertSameCheckout(stack, service, await runtime.listContainers(serviceLabels(stack, service.name)), deps.workspaceRoot);

  await awaitDependencies(deps, service, options.dependencies);

  const image = await ensureServiceImage(deps, service, options.rebuild);
  log(
    image.built
      ? `${service.name}: built image ${image.tag} in ${seconds(image.durationMs)}`
      : `${service.name}: image ${image.tag} is up to date`,
  );

  await assertSecretsNotLost(deps, service);
  const secrets = ensureSecrets(deps.workspaceRoot, stack, service.config.secrets);
  const topology = topologyEnv(service, options.services ?? [service, ...options.dependencies]);
  // The checkout is a label outside the config hash: moving a checkout does not recreate anything.
  const specs = memberSpecs(stack, service, image.tag, secrets, deps.env, topology).map((spec) => ({
    ...spec,
    labels: {
      ...spec.labels,
      [LABELS.checkout]: deps.workspaceRoot,
      ...(deps.env?.PAWS360_OWNER_PID ? { [LABELS.ownerPid]: deps.env.PAWS360_OWNER_PID } : {}),
    },
  }));
  const existing = await runtime.listContainers(serviceLabels(stack, service.name));
  const plan = specs.map((spec) => {
    const current = findMember(existing, spec.member);
    return { spec, current, action: decide(current, spec, options.forceRecreate ?? false), id: current?.id };
  });
  const surplus = existing.filter((c) => Number(c.labels[LABELS.member]) > service.config.replicas);

  // Every check that can fail on bad input runs before anything is created.
  const fingerprint = kindOf(service).dataKeepsSecrets ? secretsFingerprint(secrets) : undefined;
  if (fingerprint) {
    const volumes = plan.filter((p) => p.action !== 'keep').flatMap((p) => p.spec.mounts.map((m) => m.volume));
    await assertVolumesMatchSecrets(deps, service, [...new Set(volumes)], secrets);
  }
  await assertPortsFree(deps, service, plan.filter((p) => p.action === 'create' || p.action === 'start').map((p) => p.spec));

  const created: string[] = [];
  const createdVolumes: string[] = [];
  try {
    // One creation at a time on this machine: two racing `up`s could each make a network of that name.
    await withHostLock(join(deps.workspaceRoot, '.paws360', `${stack}.network.lock`), () => runtime.ensureNetwork(networkName(stack), stackLabels(stack)));
    for (const spec of plan.filter((p) => p.action === 'create' || p.action === 'recreate').map((p) => p.spec)) {
      for (const mount of spec.mounts) {
        const labels = {
          ...serviceLabels(stack, service.name),
          [LABELS.member]: String(spec.member),
          ...(fingerprint ? { [LABELS.secrets]: fingerprint } : {}),
        };
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
    await Promise.all(plan.filter((p) => p.action === 'unpause').map((p) => runtime.unpauseContainer(p.id!)));
    await Promise.all(plan.filter((p) => p.action !== 'keep' && p.action !== 'unpause').map((p) => runtime.startContainer(p.id!)));
  } catch (error) {
    // Leave nothing half-made: what this run created goes again (volumes only when new and unused).
    await Promise.allSettled(created.map((id) => runtime.removeContainer(id)));
    await Promise.allSettled(createdVolumes.map((v) => runtime.removeVolume(v)));
    throw error;
  }

  const actions = Object.fromEntries(plan.map((p) => [p.spec.name, p.action]));
  const changed = plan.filter((p) => p.action !== 'keep').map((p) => `${p.spec.name} (${p.action})`);
  if (changed.length) log(`${service.name}: ${changed.join(', ')}`);
  const until = options.until ?? 'healthy';
  if (options.wait === false) {
    const health = await checkHealth(deps, service);
    return { image: image.tag, imageBuilt: image.built, actions, health, until, readiness: judge(service, health, until), durationMs: Date.now() - started };
  }
  let waited: Awaited<ReturnType<typeof waitFor>>;
  try {
    waited = await waitFor(deps, service, until, options.timeoutSeconds ?? service.config.startTimeoutSeconds, { failOnCrash: true });
  } catch (error) {
    // A member died on start (a bad configuration): what this run created goes again, its log is in the message.
    if (!(error instanceof StartFailedError) || created.length === 0) throw error;
    await Promise.allSettled(created.map((id) => runtime.removeContainer(id)));
    await Promise.allSettled(createdVolumes.map((v) => runtime.removeVolume(v)));
    throw new StartFailedError(
      error.service,
      error.member,
      error.cause_,
      `${error.message.split('\n').slice(2).map((l) => l.trim()).join('\n')}\n(removed what this run created: ${created.length} container${created.length > 1 ? 's' : ''}` +
        `${createdVolumes.length ? `, ${createdVolumes.length} new volume${createdVolumes.length > 1 ? 's' : ''}` : ''}; fix the cause and run up again)`,
    );
  }
  const { health, readiness } = waited;
  return { image: image.tag, imageBuilt: image.built, actions, health, until, readiness, durationMs: Date.now() - started };
}

/**
 * A stack's containers hold the passwords of the checkout that created them
 * (its git-ignored secrets file). Another checkout's `up` would recreate them
 * with its own and break the stack for both: refuse, naming the other one.
 * Containers from before the label existed are adopted.
 */
function assertSameCheckout(stack: string, service: ServiceDefinition, existing: ContainerInfo[], workspaceRoot: string): void {
  const other = existing.map((c) => c.labels[LABELS.checkout]).find((owner) => owner !== undefined && owner !== workspaceRoot);
  if (other !== undefined) throw new ForeignCheckoutError(stack, service.name, other, workspaceRoot);
}

/**
 * The volumes members are about to start on must hold data made with the
 * passwords they are given: each carries the fingerprint of those it was
 * created with (core/secrets). A volume from before that label is taken as
 * it is, and so is a password added to the service since.
 */
async function assertVolumesMatchSecrets(
  deps: UpDeps,
  service: ServiceDefinition,
  volumes: string[],
  current: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  const labels = await Promise.all(volumes.map((volume) => deps.runtime.volumeLabels(volume)));
  const changed = new Set<string>();
  const other = volumes.filter((_, i) => {
    const made = labels[i]?.[LABELS.secrets];
    const names = made === undefined ? [] : changedSecrets(made, current, service.config.secrets);
    names.forEach((name) => changed.add(name));
    return names.length > 0;
  });
  if (other.length === 0) return;
  throw new SecretsMismatchError(deps.stack, service.name, other, shownSecretsFile(deps.workspaceRoot, deps.stack), [...changed].sort());
}

/**
 * Passwords are generated when the secrets file lacks them, which must not
 * happen to a password volumes were made with: they are kept as they are,
 * and so is the file, for the user to put the old one back. A password the
 * service gained since the volumes were made is generated as on a first start.
 */
async function assertSecretsNotLost(deps: UpDeps, service: ServiceDefinition): Promise<void> {
  const names = service.config.secrets;
  if (!kindOf(service).dataKeepsSecrets || names.length === 0) return;
  const known = readSecrets(deps.workspaceRoot, deps.stack, names);
  if (names.every((name) => known[name] !== undefined)) return;
  const volumes = await deps.runtime.listVolumes({ ...serviceLabels(deps.stack, service.name), [LABELS.secrets]: '' });
  await assertVolumesMatchSecrets(deps, service, volumes, known);
}

const findMember = (containers: ContainerInfo[], member: number) =>
  containers.find((c) => c.labels[LABELS.member] === String(member));

function decide(current: ContainerInfo | undefined, spec: MemberSpec, force: boolean): Action {
  if (!current) return 'create';
  if (force || current.labels[LABELS.configHash] !== spec.configHash) return 'recreate';
  // Cut off from the stack network (a partition left behind): attach it again.
  if (!current.networks.includes(spec.network)) return 'reconnect';
  // Paused (a laptop's engine after sleep, or docker pause): resumed as it is.
  if (current.state === 'paused') return 'unpause';
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

