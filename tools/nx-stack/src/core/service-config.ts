import { z } from 'zod';
import { SERVICE_KINDS, memoryBytes } from './service-values';

// The plain values, from a module without zod: importing them does not build these schemas.
export { SERVICE_KINDS, memoryBytes };

/** Names that end up in container names, host names and env var names. */
const slug = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, 'expected lowercase letters, digits and dashes, starting with a letter');

const portSchema = z
  .object({
    name: slug,
    container: z.number().int().min(1).max(65535),
    /** Host port of member 1 on 127.0.0.1; member n gets host + n - 1. */
    host: z.number().int().min(1).max(65535),
    description: z.string().optional(),
  })
  .strict();

const volumeSchema = z
  .object({
    name: slug,
    target: z.string().startsWith('/', 'expected an absolute path inside the container'),
  })
  .strict();

const resourcesSchema = z
  .object({
    /** CPUs a member may use (docker --cpus): 0.5 is half a core. */
    cpus: z.number().min(0.05).max(64),
    /** Memory a member may use, no swap beyond it (docker --memory): "256m", "1g". */
    memory: z
      .string()
      .regex(/^\d+(\.\d+)?[kmgKMG]$/, { error: 'expected a size with a unit: "256m", "1g"', abort: true })
      .refine((size) => memoryBytes(size) >= 6 * 1024 ** 2, 'expected at least 6m (the engine refuses less)'),
  })
  .strict();

export const serviceConfigSchema = z
  .object({
    $schema: z.string().optional(),
    description: z.string().min(1),
    kind: z.enum(SERVICE_KINDS),
    replicas: z.number().int().min(1).max(9),
    /** Services that must be healthy before this one starts. */
    dependsOn: z.array(slug).default([]),
    image: z
      .object({
        dockerfile: z.string().min(1).default('Dockerfile'),
        context: z.string().min(1).default('.'),
        /**
         * A target of this project that produces the build context (e.g. a
         * bundle under dist/): the image depends on it and is keyed on its
         * outputs, since Nx does not hash git-ignored files.
         */
        buildTarget: z.string().min(1).optional(),
      })
      .strict()
      .default({ dockerfile: 'Dockerfile', context: '.' }),
    command: z.array(z.string()).optional(),
    env: z.record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'expected an UPPER_SNAKE_CASE name'), z.string()).default({}),
    /** Generated on first run into the stack's git-ignored env file, injected as env. */
    secrets: z.array(z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'expected an UPPER_SNAKE_CASE name')).default([]),
    ports: z.array(portSchema).default([]),
    volumes: z.array(volumeSchema).default([]),
    /** Limits per member, applied to its containers: one runaway member cannot starve the laptop. */
    resources: resourcesSchema.optional(),
    /** For kind "http": the port (by name) and path that answer 200 when the service is ready. */
    healthCheck: z
      .object({ port: slug, path: z.string().startsWith('/', 'expected a path starting with /') })
      .strict()
      .optional(),
    /** For kind "http": the port (by name) and path serving Prometheus metrics (GET /metrics), scraped by the observability profile. */
    metrics: z
      .object({ port: slug, path: z.string().startsWith('/', 'expected a path starting with /') })
      .strict()
      .optional(),
    /**
     * An opt-in profile the service belongs to ("observe"): it has no `up`
     * target, so `nx run-many -t up` (npm start) never starts it; the
     * profile's own command (nx run stack:observe) does.
     */
    profile: slug.optional(),
    /** How long `up` waits for the health probe to pass. */
    startTimeoutSeconds: z.number().positive().default(90),
    /** SIGTERM grace period before SIGKILL on stop. */
    stopTimeoutSeconds: z.number().int().min(0).default(10),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.kind === 'http' && !config.healthCheck) {
      ctx.addIssue({ code: 'custom', path: ['healthCheck'], message: 'required for kind "http": { "port": "<port name>", "path": "/readyz" }' });
    }
    if (config.metrics && !config.ports.some((p) => p.name === config.metrics!.port)) {
      ctx.addIssue({ code: 'custom', path: ['metrics', 'port'], message: `no port named "${config.metrics.port}" in ports (${config.ports.map((p) => p.name).join(', ') || 'none'})` });
    }
    if (config.healthCheck && !config.ports.some((p) => p.name === config.healthCheck!.port)) {
      ctx.addIssue({
        code: 'custom',
        path: ['healthCheck', 'port'],
        message: `no port named "${config.healthCheck.port}" in ports (${config.ports.map((p) => p.name).join(', ') || 'none'})`,
      });
    }
  });

export type ServiceConfig = z.infer<typeof serviceConfigSchema>;
export type { ServiceKind } from './service-values';
export type PortConfig = ServiceConfig['ports'][number];
export type VolumeConfig = ServiceConfig['volumes'][number];

/** A validated service.json together with where it came from. */
export interface ServiceDefinition {
  /** Project and service name: the folder holding service.json. */
  name: string;
  /** Folder of service.json, relative to the workspace root. */
  root: string;
  /** Absolute path of service.json, for messages. */
  file: string;
  config: ServiceConfig;
}
