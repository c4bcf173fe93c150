import { UserError } from './errors';
import type { PortConfig, ServiceDefinition } from './service-config';

/** Labels every object the plugin creates carries, so it only ever touches its own. */
export const LABELS = {
  stack: 'io.paws360.stack',
  service: 'io.paws360.service',
  member: 'io.paws360.member',
  configHash: 'io.paws360.config-hash',
  imageHash: 'io.paws360.image-hash',
  /** The CPU and memory limits the member was created with ("cpus=1 memory=256m"). */
  limits: 'io.paws360.limits',
  /** The checkout (workspace root) whose `up` created the member: its secrets file holds the member's passwords. */
  checkout: 'io.paws360.checkout',
  /** The process a throwaway stack belongs to (a test run sets PAWS360_OWNER_PID): prune removes it once that process is gone. */
  ownerPid: 'io.paws360.owner-pid',
  /**
   * On a volume: a fingerprint of the passwords its data was initialised with
   * (core/secrets: secretsFingerprint), never the passwords themselves.
   */
  secrets: 'io.paws360.secrets',
} as const;

export const DEFAULT_STACK = 'paws360';

/** The stack name (PAWS360_STACK, default paws360): prefixes every container, volume and network. */
export function stackName(env: NodeJS.ProcessEnv = process.env): string {
  const name = env.PAWS360_STACK?.trim() || DEFAULT_STACK;
  if (!/^[a-z][a-z0-9-]*$/.test(name)) {
    throw new UserError(
      `PAWS360_STACK="${name}" is not a valid stack name: use lowercase letters, digits and dashes, starting with a letter.`,
    );
  }
  return name;
}

export const containerName = (stack: string, service: string, member: number) => `${stack}-${service}-${member}`;
export const memberHostname = (service: string, member: number) => `${service}-${member}`;
export const networkName = (stack: string) => `${stack}-backend`;
export const volumeName = (stack: string, service: string, member: number, volume: string) =>
  `${stack}-${service}-${member}-${volume}`;
export const DEFAULT_IMAGE_NAMESPACE = 'paws360';

/**
 * The repository namespace of the images: PAWS360_IMAGE_NAMESPACE, default
 * paws360 (paws360/<service>:<content hash>). Images are shared by every
 * stack on the engine; a test that removes one uses a namespace of its own.
 */
export function imageNamespace(env: Readonly<Record<string, string | undefined>> = {}): string {
  const value = env.PAWS360_IMAGE_NAMESPACE?.trim();
  if (!value) return DEFAULT_IMAGE_NAMESPACE;
  if (!/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(value)) {
    throw new UserError(`PAWS360_IMAGE_NAMESPACE="${value}" is not a valid image namespace: use lowercase letters and digits, separated by single dots, dashes or underscores.`);
  }
  return value;
}

export const imageRepository = (service: string, namespace: string = DEFAULT_IMAGE_NAMESPACE) => `${namespace}/${service}`;

export const stackLabels = (stack: string) => ({ [LABELS.stack]: stack });
export const serviceLabels = (stack: string, service: string) => ({ ...stackLabels(stack), [LABELS.service]: service });

/** The env var that overrides a port's host side: PAWS360_<SERVICE>_<PORT>_PORT. */
export function hostPortVariable(service: string, port: Pick<PortConfig, 'name'>): string {
  return `PAWS360_${service}_${port.name}_PORT`.toUpperCase().replace(/-/g, '_');
}

/**
 * The host port (on 127.0.0.1) of a member's port: the env override or the
 * service.json value, plus PAWS360_PORT_OFFSET (to run a second stack beside
 * the first), plus member - 1.
 */
export function hostPort(
  service: ServiceDefinition,
  port: PortConfig,
  member: number,
  env: NodeJS.ProcessEnv,
): number {
  const variable = hostPortVariable(service.name, port);
  const base = parsePort(env[variable], variable) ?? port.host;
  const offset = parsePort(env.PAWS360_PORT_OFFSET, 'PAWS360_PORT_OFFSET', 0) ?? 0;
  const result = base + offset + member - 1;
  if (result > 65535) {
    throw new UserError(`${service.name} port "${port.name}" of member ${member} would be ${result}, above 65535: lower ${variable} or PAWS360_PORT_OFFSET.`);
  }
  return result;
}

function parsePort(value: string | undefined, variable: string, min = 1): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > 65535) {
    throw new UserError(`${variable}="${value}" is not a port number (${min}-65535).`);
  }
  return n;
}
