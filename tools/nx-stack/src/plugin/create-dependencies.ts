import type { CreateDependencies, RawProjectGraphDependency } from '@nx/devkit';
// From nx itself, which @nx/devkit re-exports (see create-nodes.ts).
import { DependencyType, validateDependency } from 'nx/src/devkit-exports';
import { join } from 'node:path';
import { ConfigError } from '../core/config-error';
import { SERVICE_FILE, loadService } from '../core/load-service';
import { SERVICE_TAG } from '../core/constants';

/**
 * One static edge per entry of a service's dependsOn, so `nx graph` draws the
 * stack, `^up` starts dependencies first and `nx affected` follows them.
 */
export const createDependencies: CreateDependencies = (_options, context) => {
  const dependencies: RawProjectGraphDependency[] = [];
  for (const [name, project] of Object.entries(context.projects)) {
    if (!project.tags?.includes(SERVICE_TAG)) continue;
    const service = loadService(context.workspaceRoot, project.root);
    const sourceFile = join(project.root, SERVICE_FILE).replace(/\\/g, '/');
    service.config.dependsOn.forEach((target, index) => {
      const known = context.projects[target]?.tags?.includes(SERVICE_TAG);
      if (!known) {
        const services = Object.keys(context.projects).filter((p) => context.projects[p].tags?.includes(SERVICE_TAG));
        throw new ConfigError(sourceFile, [
          `field "dependsOn.${index}": no service named "${target}" in the workspace (services: ${services.sort().join(', ')})`,
        ]);
      }
      const dependency = { source: name, target, sourceFile, type: DependencyType.static };
      validateDependency(dependency, context);
      dependencies.push(dependency);
    });
  }
  return dependencies;
};
