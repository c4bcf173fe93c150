import type { ExecutorContext } from '@nx/devkit';
import { z } from 'zod';
import { palette } from '../../core/colour';
import { confirm } from '../../core/confirm';
import { renderTable } from '../../core/table';
import { failed, preflight, warned, type PreflightReport } from '../../lifecycle/preflight';
import { acceptsLowResources } from '../../lifecycle/resource-gate';
import { coloursFor, allServices, defaultDeps, onStack, parseOptions, runExecutor, stackOf, stackTargetOptions, type ExecutorDeps } from '../executor-support';
import type { PreflightExecutorSchema } from './schema';

export const preflightOptions = z.object({ json: z.boolean().default(false), yes: z.boolean().default(false), ...stackTargetOptions }).strict();

const MARK = { ok: '✓', warn: '⚠', fail: '✗' } as const;

export function renderPreflight(report: PreflightReport, colours = palette()): string {
  const tint = { ok: colours.green, warn: colours.yellow, fail: colours.red };
  const rows = report.checks.map((c) => [tint[c.status](MARK[c.status]), c.check, c.fix ? `${c.detail} → ${c.fix}` : c.detail]);
  const table = renderTable([' ', 'CHECK', 'DETAIL'], rows);
  const bad = failed(report).length;
  const warnings = warned(report).length;
  return `${table}\n${bad ? colours.red(`${bad} failed`) : 'nothing failed'}, ${warnings} warning${warnings === 1 ? '' : 's'} (stack "${report.stack}", ${report.durationMs} ms)`;
}

/**
 * stack:preflight — engine, resources, ports, Node.js, base images and
 * secrets for the whole stack, before anything is created. Failures exit
 * non-zero; warnings (low resources) ask on a terminal, need --yes (or
 * PAWS360_ACCEPT_LOW_RESOURCES=1) elsewhere, and abort in CI.
 */
export default async function preflightExecutor(
  options: PreflightExecutorSchema,
  context: ExecutorContext,
  deps: ExecutorDeps = defaultDeps(),
  ask: typeof confirm = confirm,
): Promise<{ success: boolean }> {
  return runExecutor(deps, async () => {
    const parsed = parseOptions(preflightOptions, options, 'preflight');
    const target = onStack(deps, parsed);
    const report = await preflight({ ...target, stack: stackOf(target), workspaceRoot: context.root }, allServices(context));
    deps.log(parsed.json ? JSON.stringify(report) : renderPreflight(report, coloursFor(deps)));
    if (failed(report).length) return false;
    const warnings = warned(report);
    if (warnings.length === 0 || parsed.yes || acceptsLowResources(target.env)) return true;
    if (target.env.CI === 'true' || target.env.CI === '1') {
      deps.error(`In CI a resource warning aborts: ${warnings.map((w) => w.check).join(', ')}. Set PAWS360_ACCEPT_LOW_RESOURCES=1 to go on anyway.`);
      return false;
    }
    return ask(`The stack may not run well here (${warnings.map((w) => w.check).join(', ')}). Go on anyway?`, false);
  });
}
