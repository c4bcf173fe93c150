import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { UserError } from '../core/errors';
import { InFlight } from '../core/in-flight';
import type { ServiceDefinition } from '../core/service-config';
import type { ContainerRuntime } from '../runtime/container-runtime';
import { baseImages, contextHash, listContextFiles } from './build-context';
import { LABELS, imageRepository } from '../core/naming';

export interface ImagePlan {
  /** paws360/<service>:<first 12 hex of the content hash> */
  tag: string;
  hash: string;
  contextDir: string;
  dockerfile: string;
  files: string[];
}

export interface ImageResult extends ImagePlan {
  id: string;
  built: boolean;
  durationMs: number;
}

/** Works out the image tag from the service's build inputs (reads files and base image ids, builds nothing). */
export async function planImage(runtime: ContainerRuntime, workspaceRoot: string, service: ServiceDefinition, namespace?: string): Promise<ImagePlan> {
  const contextDir = join(workspaceRoot, service.root, service.config.image.context);
  const dockerfile = service.config.image.dockerfile;
  let dockerfileText: string;
  try {
    dockerfileText = readFileSync(join(contextDir, dockerfile), 'utf8');
  } catch (error) {
    throw new UserError(
      `${service.name}: cannot read ${join(service.root, service.config.image.context, dockerfile)} (${(error as Error).message}); check "image.dockerfile" in ${service.root}/service.json.`,
      { cause: error },
    );
  }
  const baseIds: string[] = [];
  for (const ref of baseImages(dockerfileText)) {
    const id = await runtime.imageId(ref);
    if (!id) {
      throw new UserError(
        `${service.name}: base image ${ref} is not present on the Docker engine. ` +
          `On a host without registry access, npm run provision builds debian:bookworm-slim offline; otherwise docker pull ${ref}.`,
      );
    }
    baseIds.push(id);
  }
  const files = listContextFiles(contextDir);
  // Docker sends the Dockerfile even when .dockerignore lists it: the build needs it, and its content is an input.
  const dockerfileInContext = posix.normalize(dockerfile.replace(/\\/g, '/'));
  if (!dockerfileInContext.startsWith('../') && !files.includes(dockerfileInContext)) {
    files.push(dockerfileInContext);
    files.sort();
  }
  const hash = contextHash(contextDir, dockerfile, files, baseIds);
  return { tag: `${imageRepository(service.name, namespace)}:${hash.slice(0, 12)}`, hash, contextDir, dockerfile, files };
}

/** Builds in flight in this process, by workspace, service, namespace and force. */
const building = new InFlight<ImageResult>();

/**
 * Makes sure the service's image for its current inputs exists: builds it
 * only when no image carries that content hash (or when `force`). Whether an
 * image is present is always asked of the engine, so a deleted image is
 * rebuilt, never reported as there.
 *
 * One build per image at a time in this process: a call while the same
 * image is being ensured joins that call (its build lines go to the first
 * caller's `onLine`). Nx batch mode runs a run's `up` tasks in one worker,
 * which ensures their images ahead of them (executors/up: prewarmImages).
 * Settled calls are not remembered: the next one asks the engine again.
 */
export function ensureImage(
  runtime: ContainerRuntime,
  workspaceRoot: string,
  service: ServiceDefinition,
  options: { force?: boolean; onLine?: (line: string) => void; namespace?: string } = {},
): Promise<ImageResult> {
  const key = [workspaceRoot, service.root, options.namespace ?? '', options.force ? 'force' : ''].join('\0');
  return building.run(key, () => ensureImageNow(runtime, workspaceRoot, service, options));
}

async function ensureImageNow(
  runtime: ContainerRuntime,
  workspaceRoot: string,
  service: ServiceDefinition,
  options: { force?: boolean; onLine?: (line: string) => void; namespace?: string },
): Promise<ImageResult> {
  const started = Date.now();
  const plan = await planImage(runtime, workspaceRoot, service, options.namespace);
  const existing = await runtime.imageId(plan.tag);
  if (existing && !options.force) return { ...plan, id: existing, built: false, durationMs: Date.now() - started };
  await runtime.buildImage(
    {
      contextDir: plan.contextDir,
      dockerfile: plan.dockerfile,
      files: plan.files,
      tags: [plan.tag, `${imageRepository(service.name, options.namespace)}:latest`],
      labels: { [LABELS.service]: service.name, [LABELS.imageHash]: plan.hash },
      noCache: options.force,
    },
    options.onLine,
  );
  const id = await runtime.imageId(plan.tag);
  if (!id) throw new Error(`${service.name}: the build of ${plan.tag} reported success but the engine has no such image.`);
  return { ...plan, id, built: true, durationMs: Date.now() - started };
}
