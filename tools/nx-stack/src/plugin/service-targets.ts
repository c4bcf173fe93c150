import type { TargetConfiguration } from '@nx/devkit';
import { join, normalize } from 'node:path';
import type { ServiceDefinition, ServiceKind } from '../config/service-config';
import { LABELS } from '../stack/naming';

export const PLUGIN = '@paws360/nx-stack';

/**
 * Failure simulations each kind offers: target name = executor name. Each
 * breaks something on purpose, measures the recovery and verifies it.
 */
export const SIMULATIONS: Partial<Record<ServiceKind, Array<{ name: string; description: string }>>> = {
  etcd: [
    {
      name: 'fail-node',
      description: 'Hard-stop one etcd member (the leader by default): reads and writes continue, Patroni keeps its leader; then restore it',
    },
  ],
};
export const TARGET_GROUP = 'Stack';

export interface StackPluginOptions {
  /** Prefix of every inferred target name, e.g. "stack-" → stack-up. Default: none. */
  targetPrefix?: string;
}

const describe = (description: string) => ({ description, technologies: ['docker'] });

/** The image's build context as an Nx input pattern. */
function contextInput(service: ServiceDefinition): string {
  const context = normalize(join(service.root, service.config.image.context)).replace(/\\/g, '/').replace(/\/+$/, '');
  return context === service.root ? '{projectRoot}/**/*' : `{workspaceRoot}/${context}/**/*`;
}

/**
 * The targets of one service project. Pure: derived from service.json
 * alone, no Docker calls, the same output for the same file.
 */
export function serviceTargets(
  service: ServiceDefinition,
  features: { integrationTests?: boolean } = {},
): Record<string, TargetConfiguration> {
  const name = service.name;
  const targets: Record<string, TargetConfiguration> = {
    image: {
      executor: `${PLUGIN}:image`,
      // Cached by the build context's content; the runtime input lists the
      // images present for this service, so a deleted image changes the hash
      // and is rebuilt instead of being replayed from cache as present.
      cache: true,
      inputs: [
        contextInput(service),
        `!{projectRoot}/service.json`,
        `!{projectRoot}/**/*.md`,
        `!{projectRoot}/**/*.spec.ts`,
        { runtime: `docker images --quiet --no-trunc --filter label=${LABELS.service}=${name} 2>/dev/null || echo no-engine` },
      ],
      outputs: [],
      metadata: describe(`Build the ${name} image from ${service.config.image.dockerfile}, skipped when its content hash is unchanged`),
    },
    up: {
      executor: `${PLUGIN}:up`,
      dependsOn: ['image', '^up'],
      cache: false,
      metadata: describe(`Start ${name} (${service.config.replicas} member${service.config.replicas > 1 ? 's' : ''}) and wait until it is healthy`),
    },
    down: {
      executor: `${PLUGIN}:down`,
      cache: false,
      metadata: describe(`Stop and remove the ${name} containers; --wipe also removes its volumes`),
    },
    health: {
      executor: `${PLUGIN}:health`,
      cache: false,
      metadata: describe(`Probe every ${name} member; --json for one line of JSON`),
    },
    inspect: {
      executor: `${PLUGIN}:inspect`,
      cache: false,
      metadata: describe(`Show the state of every ${name} member; --json for one line of JSON`),
    },
    logs: {
      executor: `${PLUGIN}:logs`,
      cache: false,
      metadata: describe(`Print the ${name} logs; --follow, --since=10m, --tail=100`),
    },
    rebuild: {
      executor: `${PLUGIN}:rebuild`,
      cache: false,
      metadata: describe(`Rebuild the ${name} image without cache and recreate its members`),
    },
  };
  for (const simulation of SIMULATIONS[service.config.kind] ?? []) {
    targets[simulation.name] = {
      executor: `${PLUGIN}:${simulation.name}`,
      // Breaks and repairs real containers: a side effect, never cached.
      cache: false,
      metadata: describe(simulation.description),
    };
  }
  if (features.integrationTests) {
    targets.integration = {
      executor: 'nx:run-commands',
      // Starts its own throwaway stack on the real engine: a side effect, never cached.
      cache: false,
      // One throwaway stack at a time: several clusters at once overload a laptop.
      parallelism: false,
      dependsOn: ['image'],
      options: {
        command: `jest -c jest.integration.config.cjs ${service.root}/integration`,
        env: { JEST_JUNIT_OUTPUT_DIR: `dist/test-results/${name}`, JEST_JUNIT_OUTPUT_NAME: 'integration.xml' },
      },
      metadata: describe(`Integration tests of ${name} against real containers (a throwaway stack of its own)`),
    };
  }
  return targets;
}
