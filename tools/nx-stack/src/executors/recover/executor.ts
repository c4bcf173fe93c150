import type { ExecutorContext } from '@nx/devkit';
import { z } from 'zod';
import { seconds } from '../../core/progress';
import { renderHealth } from '../../kinds/render-health';
import { recoverStack } from '../../lifecycle/recover';
import { coloursFor, allServices, defaultDeps, onStack, parseOptions, runExecutor, stackOf, stackTargetOptions, type ExecutorDeps } from '../executor-support';
import type { RecoverExecutorSchema } from './schema';

export const recoverOptions = z
  .object({
    json: z.boolean().default(false),
    settleSeconds: z.number().positive().optional(),
    timeoutSeconds: z.number().positive().optional(),
    /** Only these services (comma-separated): a stack that runs part of the workspace (redis and sentinel alone). */
    services: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .transform((v) => (v === undefined ? undefined : (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean))),
    ...stackTargetOptions,
  })
  .strict();

/** stack:recover — find what is wrong with the stack, fix it, and say each thing it did. */
export default async function recoverExecutor(
  options: RecoverExecutorSchema,
  context: ExecutorContext,
  deps: ExecutorDeps = defaultDeps(),
): Promise<{ success: boolean }> {
  return runExecutor(deps, async () => {
    const { services, ...parsed } = parseOptions(recoverOptions, options, 'recover');
    const target = onStack(deps, parsed);
    const stack = stackOf(target);
    // --json prints one line: up's own progress lines stay out of it.
    const log = parsed.json ? () => undefined : deps.log;
    const report = await recoverStack({ ...target, log, stack, workspaceRoot: context.root }, allServices(context), { ...parsed, only: services });
    const healthy = report.health.every((h) => h.healthy);
    if (parsed.json) {
      deps.log(JSON.stringify({ stack, healthy, ...report }));
      return healthy;
    }
    const colours = coloursFor(deps);
    deps.log(renderHealth(report.health, undefined, colours));
    for (const warning of report.warnings) deps.error(colours.yellow(`warning: ${warning}`));
    deps.log(
      report.actions.length
        ? `stack "${stack}" recovered in ${seconds(report.durationMs)}:\n${report.actions.map((a) => `  - ${a.service}: ${a.action}`).join('\n')}`
        : `stack "${stack}" checked in ${seconds(report.durationMs)}: nothing needed recovery`,
    );
    return healthy;
  });
}
