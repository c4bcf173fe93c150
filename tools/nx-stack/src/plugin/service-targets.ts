import type { TargetConfiguration } from '@nx/devkit';
import { join, normalize } from 'node:path';
import type { ServiceDefinition } from '../core/service-config';
import { kindModule } from '../kinds/registry';

export const PLUGIN = '@paws360/nx-stack';

export const TARGET_GROUP = 'Stack';

export interface StagingStack {
  /** Stack name the pipeline's deploy and smoke stages act on. */
  stack: string;
  /** Its host port offset, so it runs beside a developer's stack. */
  portOffset: number;
}

export interface StackPluginOptions {
  /** Prefix of every inferred target name, e.g. "stack-" → stack-up. Default: none. */
  targetPrefix?: string;
  /** Where `deploy` brings the services up and `smoke` checks them (the local stand-in for staging). */
  staging?: StagingStack;
}

export const DEFAULT_STAGING: StagingStack = { stack: 'paws360-staging', portOffset: 10000 };

const describe = (description: string) => ({ description, technologies: ['docker'] });

/** The image's build context as an Nx input pattern. */
function contextInput(service: ServiceDefinition): string {
  const context = normalize(join(service.root, service.config.image.context)).replace(/\\/g, '/').replace(/\/+$/, '');
  return context === service.root ? '{projectRoot}/**/*' : `{workspaceRoot}/${context}/**/*`;
}

/** The engine's version, as an Nx runtime input ("no-engine" when none answers: such a run cannot pass anyway). */
export const ENGINE_VERSION_INPUT = { runtime: "docker version --format '{{.Server.Version}}' 2>/dev/null || echo no-engine" };

/**
 * What an integration suite's verdict depends on: its own tests, the
 * service's production inputs (its build context and service.json: what
 * its image is made of and how it runs) and those of every project it
 * depends on, transitively (^production), the
 * plugin that starts them, the shared test helpers and jest settings, the
 * lockfile, and the engine's version.
 */
export function integrationInputs(): NonNullable<TargetConfiguration['inputs']> {
  return [
    // Its own files, tests included (a named input such as "production" would
    // exclude integration/: Nx applies a negation to the whole set), minus docs and unit specs.
    '{projectRoot}/**/*',
    '!{projectRoot}/**/*.md',
    '!{projectRoot}/src/**/*.spec.ts',
    '^production',
    '{workspaceRoot}/tools/nx-stack/src/**/*.ts',
    '!{workspaceRoot}/tools/nx-stack/src/**/*.spec.ts',
    // How Nx reaches the plugin's code: the entry, the executor shims, their manifest.
    '{workspaceRoot}/tools/nx-stack/build.cjs',
    '{workspaceRoot}/tools/nx-stack/install-entry.cjs',
    '{workspaceRoot}/tools/nx-stack/index.js',
    '{workspaceRoot}/tools/nx-stack/executors/*.js',
    '{workspaceRoot}/tools/nx-stack/executors.json',
    '{workspaceRoot}/libs/stack-testing/src/**/*',
    '{workspaceRoot}/jest.integration.config.cjs',
    '{workspaceRoot}/jest.preset.js',
    '{workspaceRoot}/package-lock.json',
    ENGINE_VERSION_INPUT,
  ];
}

/**
 * The targets of one service project. Pure: derived from service.json
 * alone, no Docker calls, the same output for the same file.
 */
export function serviceTargets(
  service: ServiceDefinition,
  features: { integrationTests?: boolean } = {},
  staging: StagingStack = DEFAULT_STAGING,
): Record<string, TargetConfiguration> {
  const name = service.name;
  const buildTarget = service.config.image.buildTarget;
  const targets: Record<string, TargetConfiguration> = {
    image: {
      executor: `${PLUGIN}:image`,
      // Not cached by Nx: a replay could claim an image that has since been
      // deleted (any key computed before the build cannot see what the build
      // does). The executor itself skips the build when an image with the
      // content hash of its inputs is present, asking the engine every time.
      cache: false,
      ...(buildTarget ? { dependsOn: [buildTarget] } : {}),
      inputs: buildTarget
        ? [{ dependentTasksOutputFiles: '**/*' }]
        : [contextInput(service), `!{projectRoot}/service.json`, `!{projectRoot}/**/*.md`, `!{projectRoot}/**/*.spec.ts`],
      outputs: [],
      metadata: describe(`Build the ${name} image from ${service.config.image.dockerfile}, skipped when its content hash is unchanged`),
    },
    up: {
      executor: `${PLUGIN}:up`,
      // No separate image task: `up` ensures its own image (built only when its inputs changed), so
      // `nx run etcd:up` on a healthy stack is one task. An app's image needs its build output first.
      dependsOn: [...(buildTarget ? [buildTarget] : []), '^up'],
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
      // An app's image is built from its build target's output: rebuild that first, or the image gets the old code.
      ...(buildTarget ? { dependsOn: [buildTarget] } : {}),
      metadata: describe(`Rebuild the ${name} image without cache and recreate its members`),
    },
  };
  // An opt-in profile's service is started by its profile's command (stack:observe), never by
  // `nx run-many -t up` (npm start), nor deployed by the pipeline: no up, deploy or smoke.
  const profile = service.config.profile;
  if (profile) delete targets.up;
  // The kind's own failure simulations (its module in kinds/ lists them).
  for (const simulation of kindModule(service.config.kind).simulations) {
    targets[simulation.name] = {
      executor: `${PLUGIN}:${simulation.name}`,
      // Breaks and repairs real containers: a side effect, never cached.
      cache: false,
      metadata: describe(simulation.description),
    };
  }
  for (const operation of kindModule(service.config.kind).operations ?? []) {
    targets[operation.name] = { executor: `${PLUGIN}:${operation.name}`, cache: false, metadata: describe(operation.description) };
  }
  // The pipeline's last two stages: the service brought up on the staging stack
  // from the images just built, after its dependencies' deploys and once every
  // integration suite of the workspace passed (a staging deploy follows the
  // whole test gate, as in a CD pipeline), then checked there. Gating on every
  // suite also lets the whole stack's deploys be one batch, and its smokes
  // another, in a rerun (docs/pipeline.md).
  if (!profile) targets.deploy = {
    executor: `${PLUGIN}:up`,
    cache: false,
    dependsOn: ['image', '^deploy', { target: 'integration', projects: '*' }],
    options: { stack: staging.stack, portOffset: staging.portOffset },
    metadata: describe(`Pipeline: start ${name} on the staging stack ${staging.stack} (ports +${staging.portOffset})`),
  };
  if (!profile) targets.smoke = {
    executor: `${PLUGIN}:health`,
    cache: false,
    dependsOn: ['deploy'],
    options: { stack: staging.stack, portOffset: staging.portOffset },
    metadata: describe(`Pipeline: check ${name} on the staging stack ${staging.stack}`),
  };
  if (features.integrationTests) {
    targets.integration = {
      executor: 'nx:run-commands',
      // Cached by its real inputs: replayed only when nothing that could change
      // its verdict changed. Nx never caches a failed run, so a hit is always a
      // pass on exactly these inputs.
      cache: true,
      inputs: integrationInputs(),
      outputs: [`{workspaceRoot}/dist/test-results/${name}/integration.xml`],
      // Suites may overlap: each has its own stack name and port offset, and
      // most of a suite is waiting (elections, failovers, TTLs). How many run
      // at once is nx's --parallel (the pipeline sets it: tools/ci/pipeline.json).
      // Its own image and those of the services it depends on, which its stack
      // runs: built by the pipeline before the suite starts, never by the suite
      // at the same time (an app's image is sent from a bundle folder that a
      // second build of it would be rewriting).
      dependsOn: ['image', '^image'],
      options: {
        command: `jest -c jest.integration.config.cjs ${service.root}/integration`,
        env: { JEST_JUNIT_OUTPUT_DIR: `dist/test-results/${name}`, JEST_JUNIT_OUTPUT_NAME: 'integration.xml' },
      },
      metadata: describe(`Integration tests of ${name} against real containers (a throwaway stack of its own); cached by the tests, the service's and its dependencies' inputs, the plugin, the test helpers and the engine version`),
    };
  }
  return targets;
}
