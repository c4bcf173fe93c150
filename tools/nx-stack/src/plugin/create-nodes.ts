import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CreateNodes, CreateNodesContext, CreateNodesResult } from '@nx/devkit';
// From nx itself, which @nx/devkit re-exports: nx has it loaded already, @nx/devkit's index costs about 50 ms more.
import { createNodesFromFiles } from 'nx/src/devkit-exports';
import { loadServiceFile } from '../core/load-service';
import { SERVICE_TAG } from '../core/constants';
import { TARGET_GROUP, serviceTargets, type StackPluginOptions } from './service-targets';

const SERVICE_GLOB = '**/service.json';
/** A service folder holding this directory gets an `integration` target. */
export const INTEGRATION_DIR = 'integration';

function createServiceProject(
  serviceFile: string,
  options: StackPluginOptions | undefined,
  context: CreateNodesContext,
): CreateNodesResult {
  // Throws a ConfigError naming the file and field: graph creation fails with it.
  const service = loadServiceFile(context.workspaceRoot, serviceFile);
  const prefix = options?.targetPrefix ?? '';
  const integrationTests = existsSync(join(context.workspaceRoot, service.root, INTEGRATION_DIR));
  const targets = Object.fromEntries(
    Object.entries(serviceTargets(service, { integrationTests }, options?.staging)).map(([name, target]) => [
      prefix + name,
      { ...target, dependsOn: target.dependsOn?.map((d) => (typeof d === 'string' ? d.replace(/^(\^?)/, `$1${prefix}`) : d)) },
    ]),
  );
  return {
    projects: {
      [service.root]: {
        name: service.name,
        root: service.root,
        projectType: 'application',
        tags: [SERVICE_TAG, `kind:${service.config.kind}`],
        targets,
        metadata: {
          description: service.config.description,
          technologies: ['docker'],
          targetGroups: { [TARGET_GROUP]: Object.keys(targets) },
        },
      },
    },
  };
}

/** Infers one project per folder holding a service.json. */
export const createNodes: CreateNodes<StackPluginOptions> = [
  SERVICE_GLOB,
  (files, options, context) => createNodesFromFiles(createServiceProject, files, options ?? {}, context),
];
