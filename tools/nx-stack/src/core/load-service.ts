import { readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { ConfigError } from './config-error';
import type { ServiceConfig, ServiceDefinition } from './service-config';
import { ValidatedCache } from './validated-cache';

export const SERVICE_FILE = 'service.json';

/**
 * The build's identity, which esbuild writes into dist/ (build.cjs: the hash
 * of the sources it was built from). Undefined when running from the
 * TypeScript sources (jest), where nothing is cached.
 */
declare const __NX_STACK_BUILD__: string | undefined;
const BUILD = typeof __NX_STACK_BUILD__ === 'string' ? __NX_STACK_BUILD__ : undefined;

/**
 * Nx's workspace data folder, as nx's workspaceDataDirectoryForWorkspace finds it (its environment
 * variables, else .nx/workspace-data), without loading that module: it costs a task worker about 75 ms.
 */
function workspaceDataDirectory(workspaceRoot: string): string {
  const configured = process.env.NX_WORKSPACE_DATA_DIRECTORY ?? process.env.NX_PROJECT_GRAPH_CACHE_DIRECTORY;
  return configured ? resolve(workspaceRoot, configured) : join(workspaceRoot, '.nx', 'workspace-data');
}

const caches = new Map<string, ValidatedCache<ServiceConfig> | undefined>();

/** The cache of validated service.json files in the workspace's data folder (`nx reset` clears it). */
function validatedConfigs(workspaceRoot: string): ValidatedCache<ServiceConfig> | undefined {
  if (!caches.has(workspaceRoot)) {
    let cache: ValidatedCache<ServiceConfig> | undefined;
    if (BUILD) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- zod's manifest only, not zod
      const zodVersion = (require('zod/package.json') as { version: string }).version;
      cache = new ValidatedCache(join(workspaceDataDirectory(workspaceRoot), 'nx-stack-service-configs.json'), `${BUILD} zod@${zodVersion}`);
    }
    caches.set(workspaceRoot, cache);
  }
  return caches.get(workspaceRoot);
}

/** Checks a service.json's text against the schema; zod is loaded only here, on the first file the cache has not seen. */
function validate(shown: string, text: string): ServiceConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(shown, [`cannot read it as JSON: ${(error as Error).message}`]);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazily: the schema module loads zod
  const { serviceConfigSchema } = require('./service-config') as typeof import('./service-config');
  const parsed = serviceConfigSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) throw ConfigError.fromZod(shown, parsed.error);
  return parsed.data;
}

/**
 * Reads and validates `<workspaceRoot>/<serviceFile>`; throws ConfigError naming the file and field.
 * A text the cache has seen pass is not validated again (the built plugin's cache by default).
 */
export function loadServiceFile(workspaceRoot: string, serviceFile: string, cache = validatedConfigs(workspaceRoot)): ServiceDefinition {
  const file = join(workspaceRoot, serviceFile);
  const shown = relative(process.cwd(), file) || file;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(shown, [`cannot read it as JSON: ${(error as Error).message}`]);
  }
  let config = cache?.get(text);
  if (!config) {
    config = validate(shown, text);
    cache?.set(text, config);
  }
  const root = dirname(serviceFile);
  return { name: basename(root), root, file, config };
}

/** Loads the service in a project root (as executors see it). */
export function loadService(workspaceRoot: string, projectRoot: string): ServiceDefinition {
  return loadServiceFile(workspaceRoot, join(projectRoot, SERVICE_FILE));
}
