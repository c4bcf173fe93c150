import type { ContainerRuntime } from './container-runtime';
import { DockerodeRuntime } from './dockerode-runtime';

/**
 * The engine the stack runs on. Today a Docker-API engine (Docker, or
 * Podman's Docker-compatible socket through DOCKER_HOST); a second engine
 * strategy plugs in here, chosen from the environment, and nothing above
 * the runtime layer changes.
 */
export function createRuntime(env: NodeJS.ProcessEnv = process.env): ContainerRuntime {
  return new DockerodeRuntime(undefined, env);
}
