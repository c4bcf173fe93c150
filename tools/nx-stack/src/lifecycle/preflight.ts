import { existsSync, readFileSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { errorText, isUserError } from '../core/errors';
import { secretsFile } from '../core/secrets';
import type { ServiceDefinition } from '../core/service-config';
import { memoryBytes } from '../core/service-values';
import type { ContainerRuntime, EngineInfo } from '../runtime/container-runtime';
import { baseImages } from './build-context';
import { busyPorts, type PortPreflightDeps } from './port-preflight';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface PreflightCheck {
  check: string;
  status: CheckStatus;
  detail: string;
  /** What to do about a warning or a failure. */
  fix?: string;
}

export interface PreflightReport {
  stack: string;
  /** What the checks took (the plugin's own time, no Nx start-up). */
  durationMs: number;
  engine?: EngineInfo;
  checks: PreflightCheck[];
}

/** What the stack needs besides the sum of its members' memory limits. */
export const STACK_MINIMUMS = { cpus: 2, diskBytes: 5 * 1024 ** 3 };

export interface PreflightDeps extends PortPreflightDeps {
  runtime: ContainerRuntime;
  workspaceRoot: string;
  /** Free bytes of the file system holding `path`; undefined when it is not on this host. */
  freeDisk?: (path: string) => number | undefined;
  nodeVersion?: string;
}

const GiB = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;

function localFreeDisk(path: string): number | undefined {
  try {
    const stats = statfsSync(path);
    return stats.bavail * stats.bsize;
  } catch {
    return undefined; // the engine's disk is not this host's (Docker Desktop's VM, a remote DOCKER_HOST)
  }
}

/** The stack's memory floor: every member at its memory limit at once. */
export function declaredMemory(services: ServiceDefinition[]): number {
  return services.reduce((sum, s) => sum + (s.config.resources ? s.config.replicas * memoryBytes(s.config.resources.memory) : 0), 0);
}

/** Engine, CPUs, memory and disk against what the services declare (the part `up` repeats before it creates anything). */
export async function resourceChecks(deps: PreflightDeps, services: ServiceDefinition[]): Promise<{ engine?: EngineInfo; checks: PreflightCheck[] }> {
  let engine: EngineInfo;
  try {
    engine = await deps.runtime.engineInfo();
  } catch (error) {
    return { checks: [{ check: 'engine', status: 'fail', detail: errorText(error), fix: isUserError(error) ? undefined : 'start Docker or Podman' }] };
  }
  const checks: PreflightCheck[] = [
    {
      check: 'engine',
      status: 'ok',
      detail: `${engine.engine} ${engine.version} (API ${engine.apiVersion}), storage driver ${engine.storageDriver}, ${engine.os}`,
    },
  ];
  const memory = declaredMemory(services);
  checks.push(
    engine.memoryBytes >= memory
      ? { check: 'memory', status: 'ok', detail: `${GiB(engine.memoryBytes)} available, members may use up to ${GiB(memory)} (sum of resources.memory)` }
      : {
          check: 'memory',
          status: 'warn',
          detail: `the engine offers ${GiB(engine.memoryBytes)}; the stack's members may use up to ${GiB(memory)} (sum of resources.memory in the service.json files)`,
          fix: 'give the engine more memory (Docker Desktop: Settings → Resources), or lower resources.memory',
        },
  );
  checks.push(
    engine.cpus >= STACK_MINIMUMS.cpus
      ? { check: 'cpus', status: 'ok', detail: `${engine.cpus} CPUs (the stack needs ${STACK_MINIMUMS.cpus})` }
      : {
          check: 'cpus',
          status: 'warn',
          detail: `the engine offers ${engine.cpus} CPU${engine.cpus === 1 ? '' : 's'}; the stack needs ${STACK_MINIMUMS.cpus} (elections and failovers time out on fewer)`,
          fix: 'give the engine more CPUs (Docker Desktop: Settings → Resources)',
        },
  );
  const free = engine.rootDir ? (deps.freeDisk ?? localFreeDisk)(engine.rootDir) : undefined;
  checks.push(
    free === undefined
      ? { check: 'disk', status: 'ok', detail: `the engine's disk is not on this host: not measured (images and volumes need about ${GiB(STACK_MINIMUMS.diskBytes)})` }
      : free >= STACK_MINIMUMS.diskBytes
        ? { check: 'disk', status: 'ok', detail: `${GiB(free)} free in ${engine.rootDir}` }
        : {
            check: 'disk',
            status: 'warn',
            detail: `${GiB(free)} free in ${engine.rootDir}; images and volumes need about ${GiB(STACK_MINIMUMS.diskBytes)}`,
            fix: 'free space: docker image prune, docker volume prune (only volumes you no longer need), or remove old stacks with npx nx run-many -t down --wipe',
          },
  );
  return { engine, checks };
}

/** The Node.js version against package.json's engines (">=20.19"). */
export function nodeCheck(workspaceRoot: string, version = process.versions.node): PreflightCheck {
  let wanted: string | undefined;
  try {
    wanted = (JSON.parse(readFileSync(join(workspaceRoot, 'package.json'), 'utf8')) as { engines?: { node?: string } }).engines?.node;
  } catch {
    wanted = undefined;
  }
  const minimum = /^>=\s*(\d+)(?:\.(\d+))?/.exec(wanted ?? '');
  if (!minimum) return { check: 'node', status: 'ok', detail: `Node.js ${version}` };
  const [major, minor] = version.split('.').map(Number);
  const ok = major > Number(minimum[1]) || (major === Number(minimum[1]) && minor >= Number(minimum[2] ?? 0));
  return ok
    ? { check: 'node', status: 'ok', detail: `Node.js ${version} (package.json wants ${wanted})` }
    : { check: 'node', status: 'fail', detail: `Node.js ${version}; package.json wants ${wanted}`, fix: `install Node.js ${wanted?.replace('>=', '')} or newer` };
}

/** Every base image the services' Dockerfiles start FROM, present on the engine or not. */
export async function baseImageChecks(runtime: ContainerRuntime, workspaceRoot: string, services: ServiceDefinition[]): Promise<PreflightCheck[]> {
  const refs = new Set<string>();
  for (const service of services) {
    const candidates = [join(workspaceRoot, service.root, service.config.image.context, service.config.image.dockerfile), join(workspaceRoot, service.root, service.config.image.dockerfile)];
    const file = candidates.find((path) => existsSync(path));
    if (file) for (const ref of baseImages(readFileSync(file, 'utf8'))) refs.add(ref);
  }
  return Promise.all(
    [...refs].sort().map(async (ref): Promise<PreflightCheck> => {
      const id = await runtime.imageId(ref).catch(() => undefined);
      return id
        ? { check: `base image ${ref}`, status: 'ok', detail: 'present' }
        : { check: `base image ${ref}`, status: 'fail', detail: 'not present on the engine', fix: `npm run provision (builds ${ref} offline on Debian), or docker pull ${ref}` };
    }),
  );
}

/** Everything a first run needs, checked before anything is created: `nx run stack:preflight`. */
export async function preflight(deps: PreflightDeps, services: ServiceDefinition[]): Promise<PreflightReport> {
  const started = performance.now();
  const { engine, checks } = await resourceChecks(deps, services);
  checks.push(nodeCheck(deps.workspaceRoot, deps.nodeVersion));
  if (engine) {
    checks.push(...(await baseImageChecks(deps.runtime, deps.workspaceRoot, services)));
    const busy = await busyPorts(deps, services);
    const total = services.reduce((sum, s) => sum + s.config.replicas * s.config.ports.length, 0);
    checks.push(
      busy.length === 0
        ? { check: 'ports', status: 'ok', detail: `all ${total} host ports free on 127.0.0.1 (or this stack's own)` }
        : {
            check: 'ports',
            status: 'fail',
            detail: busy.map((p) => `${p.host} (${p.service}${p.replicas > 1 ? ` member ${p.member}` : ''} ${p.port.name}${p.owner ? `, held by ${p.owner.command}` : ''})`).join('; '),
            fix: `set ${[...new Set(busy.map((p) => p.variable))].join(', ')} to move them, or PAWS360_PORT_OFFSET to shift the whole stack`,
          },
    );
  }
  const secrets = secretsFile(deps.workspaceRoot, deps.stack);
  checks.push({ check: 'secrets', status: 'ok', detail: existsSync(secrets) ? `${secrets} present` : `${secrets} is generated by the first up (git-ignored)` });
  return { stack: deps.stack, durationMs: Math.round(performance.now() - started), engine, checks };
}

export const failed = (report: { checks: PreflightCheck[] }) => report.checks.filter((c) => c.status === 'fail');
export const warned = (report: { checks: PreflightCheck[] }) => report.checks.filter((c) => c.status === 'warn');
