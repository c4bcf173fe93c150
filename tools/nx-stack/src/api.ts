// The plugin's programmatic entry (@paws360/nx-stack/api), for tests, the
// benchmark and tools that read a live stack the way the executors do,
// without going through an nx process per call.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SERVICE_FILE, loadServiceFile } from './core/load-service';
import { stackName } from './core/naming';
import type { ServiceDefinition, ServiceKind } from './core/service-config';
import { checkHealth, confirmedHealth } from './kinds/health';
import type { ServiceHealth } from './kinds/kind';
import { kindModule } from './kinds/registry';
import type { ContainerRuntime } from './runtime/container-runtime';
import { createRuntime } from './runtime/create-runtime';

export { checkHealth, createRuntime, stackName };
export { integrationInputs } from './plugin/service-targets';
// What `nx run stack:prune` does to one stack: every container, volume and its network, by the stack label.
export { removeStack, type RemovedStack } from './lifecycle/stacks';
// The log view's index and each kind's line parser (the benchmark's log section).
export { LogIndex, type LogQuery, type LogSource } from './observe/log-index';
export const logParserOf = (kind: ServiceKind) => kindModule(kind).parseLogLine;
export type { ServiceDefinition, ServiceHealth, ServiceKind };

const SKIP = new Set(['node_modules', 'dist', '.nx', '.git', 'tmp', '.paws360']);

/** Every service.json of the workspace, validated, in name order (what the plugin infers projects from). */
export function workspaceServices(workspaceRoot: string): ServiceDefinition[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && !SKIP.has(entry.name)) walk(join(dir, entry.name));
      else if (entry.isFile() && entry.name === SERVICE_FILE) found.push(relative(workspaceRoot, join(dir, entry.name)));
    }
  };
  walk(workspaceRoot);
  return found.map((file) => loadServiceFile(workspaceRoot, file)).sort((a, b) => a.name.localeCompare(b.name));
}

/** One probe of every service of a stack, at once: what `nx run stack:health` reports. */
export async function stackHealth(
  workspaceRoot: string,
  env: NodeJS.ProcessEnv = process.env,
  runtime: ContainerRuntime = createRuntime(env),
  services: ServiceDefinition[] = workspaceServices(workspaceRoot),
): Promise<ServiceHealth[]> {
  const deps = { runtime, workspaceRoot, stack: stackName(env), env };
  return Promise.all(services.map((service) => confirmedHealth(deps, service)));
}
