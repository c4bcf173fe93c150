import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { ConfigError } from './config-error';
import { UserError } from './errors';
import { PARAM_TYPES, SEVERITIES, type ParamType, type ParamValue } from './parity-values';
import { SERVICE_KINDS, type ServiceKind } from './service-values';

/** yaml is loaded on first use: only reading a baseline needs it, not every command whose bundle holds this module (up, health). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const parseYaml = (text: string): unknown => (require('yaml') as typeof import('yaml')).parse(text);

/**
 * The parity baselines (docs/parity.md): config/parameters.yaml, the schema
 * of the compared parameters (type, severity, remediation template);
 * config/<env>/baseline.yaml, what an environment runs, each value with its
 * source; config/local-differences.yaml, the differences a laptop has on
 * purpose, each with its reason. Loaded and validated with zod: a bad file
 * fails naming the file and the field.
 */

export const PARITY_DIR = 'config';
export const CATALOG_FILE = 'parameters.yaml';
export const BASELINE_FILE = 'baseline.yaml';
export const ACCEPTED_FILE = 'local-differences.yaml';
/** Parameters every service has, whatever its kind (members, resources, ports). */
export const ANY_KIND = 'any';

const slug = z.string().regex(/^[a-z][a-z0-9-]*$/, 'expected lowercase letters, digits and dashes, starting with a letter');
const paramName = z.string().regex(/^[a-z][a-z0-9_-]*$/, 'expected a parameter name: lowercase letters, digits, _ and -');

const parameterSpecSchema = z
  .object({
    type: z.enum(PARAM_TYPES),
    severity: z.enum(SEVERITIES),
    description: z.string().min(1),
    /** How to bring the local stack to the target's value: {service}, {parameter}, {local}, {target} are filled in. */
    fix: z.string().min(1),
    /** How to bring a running value back to the declared one, when that differs from `fix`. */
    drift: z.string().min(1).optional(),
    /** Compared only between the local stack's own layers (drift), never with a baseline: a snapshot leaves it out. */
    driftOnly: z.boolean().optional(),
  })
  .strict();
export type ParameterSpec = z.infer<typeof parameterSpecSchema>;

export const catalogSchema = z
  .object({
    parameters: z.partialRecord(z.enum([ANY_KIND, ...SERVICE_KINDS]), z.record(paramName, parameterSpecSchema)),
  })
  .strict();
export type Catalog = z.infer<typeof catalogSchema>;

/** The spec of `name` for a service of `kind`: its kind's own, else one every service has. */
export const specOf = (catalog: Catalog, kind: ServiceKind, name: string): ParameterSpec | undefined =>
  catalog.parameters[kind]?.[name] ?? catalog.parameters[ANY_KIND]?.[name];

const VALUE_SCHEMAS: Record<ParamType, z.ZodType> = {
  string: z.string({ error: 'expected a string' }),
  integer: z.number({ error: 'expected an integer' }).int('expected an integer'),
  boolean: z.boolean({ error: 'expected true or false' }),
  // "unlimited": a service.json without resources (no limit).
  size: z.union([z.number().int().min(0), z.string().regex(/^(\d+(\.\d+)?\s*([kmgKMG][bB]?|[bB])?|unlimited)$/, 'expected a size: bytes, "128MB", "4gb" or "unlimited"')], {
    error: 'expected a size: bytes, "128MB", "4gb" or "unlimited"',
  }),
  version: z.string({ error: 'expected a version string such as "3.5"' }).regex(/^v?\d+(\.\d+)*$/, 'expected a version string such as "3.5"'),
  list: z.array(z.string(), { error: 'expected a list of strings' }),
};

const entrySchema = z.object({ value: z.unknown(), source: z.string().min(1) }).strict();

export function baselineSchema(catalog: Catalog) {
  return z
    .object({
      environment: slug,
      description: z.string().min(1),
      services: z.record(
        slug,
        z.object({ kind: z.enum(SERVICE_KINDS), parameters: z.record(paramName, entrySchema) }).strict(),
      ),
    })
    .strict()
    .superRefine((baseline, ctx) => {
      for (const [service, { kind, parameters }] of Object.entries(baseline.services)) {
        for (const [name, entry] of Object.entries(parameters)) {
          const path = ['services', service, 'parameters', name];
          const spec = specOf(catalog, kind, name);
          if (!spec) {
            const known = Object.keys({ ...catalog.parameters[ANY_KIND], ...catalog.parameters[kind] }).sort();
            ctx.addIssue({ code: 'custom', path, message: `unknown parameter for kind ${kind} (known: ${known.join(', ')}; config/${CATALOG_FILE} defines them)` });
            continue;
          }
          if (spec.driftOnly) {
            ctx.addIssue({ code: 'custom', path, message: `${name} is compared inside the local stack only (drift), not with a baseline: remove it` });
            continue;
          }
          const parsed = VALUE_SCHEMAS[spec.type].safeParse(entry.value);
          if (!parsed.success) {
            ctx.addIssue({ code: 'custom', path: [...path, 'value'], message: `${parsed.error.issues[0].message}, the type config/${CATALOG_FILE} gives it (got ${JSON.stringify(entry.value)})` });
          }
        }
      }
    });
}

export interface BaselineEntry {
  value: ParamValue;
  source: string;
}
export interface Baseline {
  environment: string;
  description: string;
  services: Record<string, { kind: ServiceKind; parameters: Record<string, BaselineEntry> }>;
}

export const acceptedSchema = z
  .object({
    differences: z.array(
      z
        .object({
          /** "<service>.<parameter>"; "*" as the service matches every service. */
          parameter: z.string().regex(/^(\*|[a-z][a-z0-9-]*)\.[a-z][a-z0-9_-]*$/, 'expected "<service>.<parameter>" or "*.<parameter>"'),
          /** The environments it is accepted against; every one when absent. */
          environments: z.array(slug).optional(),
          reason: z.string().min(10, 'expected a reason (why a laptop differs on purpose)'),
        })
        .strict(),
    ),
  })
  .strict();
export type AcceptedDifference = z.infer<typeof acceptedSchema>['differences'][number];

/** The accepted difference covering `service.parameter` against `environment`, if any. */
export function acceptedFor(accepted: AcceptedDifference[], environment: string, service: string, parameter: string): AcceptedDifference | undefined {
  return accepted.find(
    (a) => (a.parameter === `${service}.${parameter}` || a.parameter === `*.${parameter}`) && (!a.environments || a.environments.includes(environment)),
  );
}

function readYaml(file: string, shown: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read ${shown} (${(error as Error).message})`, { cause: error });
  }
  try {
    return parseYaml(text);
  } catch (error) {
    throw new ConfigError(shown, [`cannot read it as YAML: ${(error as Error).message.split('\n')[0]}`]);
  }
}

function validated<T>(schema: z.ZodType<T>, raw: unknown, shown: string): T {
  const parsed = schema.safeParse(raw, { reportInput: true });
  if (!parsed.success) throw ConfigError.fromZod(shown, parsed.error);
  return parsed.data;
}

const shownPath = (workspaceRoot: string, file: string) => relative(workspaceRoot, file) || file;

export function loadCatalog(workspaceRoot: string): Catalog {
  const file = join(workspaceRoot, PARITY_DIR, CATALOG_FILE);
  return validated(catalogSchema, readYaml(file, shownPath(workspaceRoot, file)), shownPath(workspaceRoot, file));
}

export function loadAccepted(workspaceRoot: string): AcceptedDifference[] {
  const file = join(workspaceRoot, PARITY_DIR, ACCEPTED_FILE);
  if (!existsSync(file)) return [];
  return validated(acceptedSchema, readYaml(file, shownPath(workspaceRoot, file)), shownPath(workspaceRoot, file)).differences;
}

/** The environments with a baseline: config/<env>/baseline.yaml. */
export function baselineEnvironments(workspaceRoot: string): string[] {
  const dir = join(workspaceRoot, PARITY_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, BASELINE_FILE)))
    .map((e) => e.name)
    .sort();
}

export const baselineFile = (workspaceRoot: string, environment: string) => join(workspaceRoot, PARITY_DIR, environment, BASELINE_FILE);

/** Reads and validates config/<env>/baseline.yaml (or another file) against the catalog. */
export function loadBaselineFile(workspaceRoot: string, file: string, catalog: Catalog): Baseline {
  const shown = shownPath(workspaceRoot, file);
  return validated(baselineSchema(catalog), readYaml(file, shown), shown) as Baseline;
}

export function loadBaseline(workspaceRoot: string, environment: string, catalog: Catalog): Baseline {
  const file = baselineFile(workspaceRoot, environment);
  if (!existsSync(file)) {
    const known = baselineEnvironments(workspaceRoot);
    throw new UserError(`no baseline for "${environment}": ${shownPath(workspaceRoot, file)} does not exist (baselines: ${known.join(', ') || 'none'}). nx run stack:snapshot --stack=<name> --out=config/${environment}/ writes one from a running stack.`);
  }
  return loadBaselineFile(workspaceRoot, file, catalog);
}

/** What an environment's comparison depends on: its baseline, the schema and the accepted differences (drift on start keys on it). */
export function baselineHash(workspaceRoot: string, environment: string): string {
  const hash = createHash('sha256');
  for (const file of [baselineFile(workspaceRoot, environment), join(workspaceRoot, PARITY_DIR, CATALOG_FILE), join(workspaceRoot, PARITY_DIR, ACCEPTED_FILE)]) {
    hash.update(existsSync(file) ? readFileSync(file) : '').update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}
