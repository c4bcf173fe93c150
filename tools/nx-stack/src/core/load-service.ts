import { readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { ConfigError } from './config-error';
import { serviceConfigSchema, type ServiceDefinition } from './service-config';

export const SERVICE_FILE = 'service.json';

/** Reads and validates `<workspaceRoot>/<serviceFile>`; throws ConfigError naming the file and field. */
export function loadServiceFile(workspaceRoot: string, serviceFile: string): ServiceDefinition {
  const file = join(workspaceRoot, serviceFile);
  const shown = relative(process.cwd(), file) || file;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(shown, [`cannot read it as JSON: ${(error as Error).message}`]);
  }
  const parsed = serviceConfigSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) throw ConfigError.fromZod(shown, parsed.error);
  const root = dirname(serviceFile);
  return { name: basename(root), root, file, config: parsed.data };
}

/** Loads the service in a project root (as executors see it). */
export function loadService(workspaceRoot: string, projectRoot: string): ServiceDefinition {
  return loadServiceFile(workspaceRoot, join(projectRoot, SERVICE_FILE));
}
