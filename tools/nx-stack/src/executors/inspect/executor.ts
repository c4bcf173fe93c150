import type { ExecutorContext } from '@nx/devkit';
import { z } from 'zod';
import { probeContext } from '../../kinds/health';
import type { InspectReport, MemberView } from '../../kinds/kind';
import { LABELS } from '../../core/naming';
import { probeFor } from '../../kinds/registry';
import { renderTable } from '../../core/table';
import { currentService, defaultDeps, parseOptions, runExecutor, stackOf, type ExecutorDeps } from '../executor-support';
import type { InspectExecutorSchema } from './schema';

export const inspectOptions = z.object({ json: z.boolean().default(false) }).strict();

export default async function inspectExecutor(
  options: InspectExecutorSchema,
  context: ExecutorContext,
  deps: ExecutorDeps = defaultDeps(),
): Promise<{ success: boolean }> {
  return runExecutor(deps, async () => {
    const { json } = parseOptions(inspectOptions, options, 'inspect');
    const service = currentService(context);
    await deps.runtime.ping();
    const probe = (deps.probe ?? ((s) => probeFor(s.config.kind)))(service);
    const ctx = await probeContext({ ...deps, stack: stackOf(deps), workspaceRoot: context.root }, service);
    const report = withLimits(await probe.inspect(ctx), ctx.members);
    deps.log(json ? JSON.stringify(report) : renderInspect(report));
    return true;
  });
}

/** The limits each member's container was created with (its label), beside what service.json declares now. */
export function withLimits(report: InspectReport, members: MemberView[]): InspectReport {
  const applied = Object.fromEntries(members.map((m) => [m.containerName, m.container?.labels[LABELS.limits] ?? (m.container ? 'none' : 'no container')]));
  return { ...report, facts: { ...report.facts, limits: applied } };
}

export function renderInspect(report: InspectReport): string {
  const cell = (value: unknown) => (value === null || value === undefined ? '-' : String(value));
  const table = renderTable(report.columns, report.rows.map((row) => report.columns.map((c) => cell(row[c]))));
  const facts = Object.entries(report.facts).map(
    ([key, value]) => `${key}: ${typeof value === 'object' && value !== null ? JSON.stringify(value) : cell(value)}`,
  );
  return `${report.service}\n${table}\n\n${facts.join('\n')}`;
}
