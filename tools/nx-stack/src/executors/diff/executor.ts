import type { ExecutorContext } from '@nx/devkit';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { StackError, UserError, errorText, isUserError } from '../../core/errors';
import { loadAccepted, loadBaselineFile, loadCatalog } from '../../core/parity-baseline';
import { compareParity, snapshotBaseline, type ParityReport } from '../../core/parity-compare';
import { renderParity } from '../../core/parity-render';
import type { ServiceDefinition } from '../../core/service-config';
import { diffAgainstBaseline, readLocalConfig } from '../../lifecycle/parity';
import { DEFAULT_STAGING } from '../../plugin/service-targets';
import { allServices, defaultDeps, onStack, parseOptions, runExecutor, stackOf, stackTargetOptions, type ExecutorDeps } from '../executor-support';
import type { DiffExecutorSchema } from './schema';

const stackName = z.string().regex(/^[a-z][a-z0-9-]*$/, 'expected lowercase letters, digits and dashes, starting with a letter');

export const diffOptions = z
  .object({
    target: stackName.optional(),
    baseline: z.string().min(1).optional(),
    againstStack: stackName.optional(),
    againstPortOffset: z.number().int().min(0).max(60000).optional(),
    json: z.boolean().default(false),
    ...stackTargetOptions,
  })
  .strict();
export type DiffOptions = z.infer<typeof diffOptions>;

/** The comparison the options ask for: a baseline of config/, a baseline file, or another live stack. */
async function report(options: DiffOptions, workspaceRoot: string, services: ServiceDefinition[], deps: ExecutorDeps): Promise<ParityReport> {
  const stackDeps = { ...deps, stack: stackOf(deps), workspaceRoot };
  if (options.target) return diffAgainstBaseline(stackDeps, services, options.target);
  const catalog = loadCatalog(workspaceRoot);
  const local = await readLocalConfig(stackDeps, services);
  if (options.baseline) {
    const file = isAbsolute(options.baseline) ? options.baseline : join(workspaceRoot, options.baseline);
    const baseline = loadBaselineFile(workspaceRoot, file, catalog);
    return compareParity(local, baseline, baseline.environment, { catalog, accepted: loadAccepted(workspaceRoot) });
  }
  // Two live stacks: the other one read the same way, as a snapshot; laptop differences do not apply between two laptops' stacks.
  const other = options.againstStack ?? '';
  const offset = options.againstPortOffset ?? (other === DEFAULT_STAGING.stack ? DEFAULT_STAGING.portOffset : 0);
  const otherDeps = onStack(deps, { stack: other, portOffset: offset });
  const otherLocal = await readLocalConfig({ ...otherDeps, stack: other, workspaceRoot }, services);
  if (otherLocal.services.every((s) => s.running === 0)) {
    throw new StackError(`stack ${other} has no running member (port offset ${offset}): start it, or name its offset with --against-port-offset`);
  }
  return compareParity(local, snapshotBaseline(otherLocal, catalog, other, `stack ${other}`), `stack ${other}`, { catalog });
}

/**
 * Runs the comparison and prints it; the exit status a shell should see:
 * 0 no critical difference, 2 a critical one, 1 an error (Nx itself can only
 * say 0 or 1 for a target: docs/parity.md).
 */
export async function runDiff(options: unknown, workspaceRoot: string, services: ServiceDefinition[], deps: ExecutorDeps): Promise<0 | 1 | 2> {
  const parsed = parseOptions(diffOptions, options, 'diff');
  if ([parsed.target, parsed.baseline, parsed.againstStack].filter(Boolean).length !== 1) {
    throw new UserError('Invalid options of diff: give one of: an environment of config/ (nx run stack:diff:staging or :production; npm run diff -- --target=staging), --baseline=<file> or --against-stack=<name>');
  }
  const target = onStack(deps, parsed);
  const started = performance.now();
  await target.runtime.ping();
  const result = await report(parsed, workspaceRoot, services, target);
  const durationMs = Math.round(performance.now() - started);
  deps.log(parsed.json ? JSON.stringify({ ...result, durationMs }) : renderParity(result, { durationMs }));
  return result.summary.exitCode;
}

export default async function diffExecutor(options: DiffExecutorSchema, context: ExecutorContext, deps: ExecutorDeps = defaultDeps()): Promise<{ success: boolean }> {
  return runExecutor(deps, async () => (await runDiff(options, context.root, allServices(context), deps)) === 0);
}

/** `--target=staging --json --against-stack=x` → options (for the node entry that can exit 2). */
export function optionsFromArgv(argv: string[]): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const arg of argv) {
    const match = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unexpected argument "${arg}": expected --name or --name=value`);
    const key = match[1].replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
    const value = match[2];
    options[key] = value === undefined ? true : /^\d+$/.test(value) && key !== 'target' ? Number(value) : value;
  }
  return options;
}

/** The node entry (npm run diff --): the same comparison, exiting 0, 1 or 2. */
export async function diffMain(argv: string[], workspaceRoot: string, services: ServiceDefinition[], deps: ExecutorDeps = defaultDeps()): Promise<number> {
  try {
    return await runDiff(optionsFromArgv(argv), workspaceRoot, services, deps);
  } catch (error) {
    deps.error(isUserError(error) ? error.message : error instanceof Error ? (error.stack ?? errorText(error)) : String(error));
    return 1;
  }
}
