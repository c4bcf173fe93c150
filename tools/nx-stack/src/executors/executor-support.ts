import { z } from 'zod';
import { colourEnabled, palette, type Palette } from '../core/colour';
import { ConfigError } from '../core/config-error';
import { SERVICE_TAG } from '../core/constants';
import { isUserError } from '../core/errors';
import { stackName } from '../core/naming';
import type { StackDeps } from '../lifecycle/stack-deps';
import { createRuntime } from '../runtime/create-runtime';

/** What executors reach the outside world through; specs pass fakes. */
export type ExecutorDeps = StackDeps;

export function defaultDeps(): ExecutorDeps {
  return {
    runtime: createRuntime(process.env),
    log: (line) => console.log(line),
    error: (line) => console.error(line),
    env: process.env,
  };
}

export { SERVICE_TAG };
export { allServices, currentService, projectRoot, serviceByName } from '../core/workspace';

/** Parses executor options with zod; a bad option names the option and what was expected. */
export function parseOptions<T extends z.ZodType>(schema: T, options: unknown, executor: string): z.infer<T> {
  const parsed = schema.safeParse(options ?? {}, { reportInput: true });
  if (!parsed.success) throw ConfigError.fromZod(`options of ${executor}`, parsed.error);
  return parsed.data;
}

/**
 * Runs an executor body: a known failure prints its message (no stack
 * trace: the message says what to do) and the target exits non-zero.
 */
export async function runExecutor(deps: ExecutorDeps, body: () => Promise<boolean>): Promise<{ success: boolean }> {
  try {
    return { success: await body() };
  } catch (error) {
    // A UserError says what to do: its message, no stack trace. Anything else is a bug: keep its trace.
    deps.error(isUserError(error) ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error));
    return { success: false };
  }
}

export const stackOf = (deps: ExecutorDeps) => stackName(deps.env);

/** Colours for what the executor prints to stdout: decided by the executor's env (NO_COLOR, FORCE_COLOR, TERM), not the process's. */
export const coloursFor = (deps: ExecutorDeps): Palette => palette(colourEnabled(process.stdout, deps.env));

/** Stack options every stack-facing executor takes: where to act instead of the env's stack. */
export const stackTargetOptions = {
  stack: z.string().regex(/^[a-z][a-z0-9-]*$/, 'expected lowercase letters, digits and dashes, starting with a letter').optional(),
  portOffset: z.number().int().min(0).max(60000).optional(),
};

/**
 * Deps acting on another stack (the pipeline's staging stack): the options
 * win over PAWS360_STACK / PAWS360_PORT_OFFSET, everything else is kept.
 */
export function onStack(deps: ExecutorDeps, options: { stack?: string; portOffset?: number }): ExecutorDeps {
  if (options.stack === undefined && options.portOffset === undefined) return deps;
  const env = { ...deps.env };
  if (options.stack !== undefined) env.PAWS360_STACK = options.stack;
  if (options.portOffset !== undefined) env.PAWS360_PORT_OFFSET = String(options.portOffset);
  return { ...deps, env };
}
