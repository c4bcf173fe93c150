import type { ExecutorContext } from '@nx/devkit';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join, relative } from 'node:path';
import { stringify } from 'yaml';
import { z } from 'zod';
import { StackError } from '../../core/errors';
import { BASELINE_FILE, loadBaselineFile, loadCatalog } from '../../core/parity-baseline';
import { snapshotBaseline } from '../../core/parity-compare';
import { readLocalConfig } from '../../lifecycle/parity';
import { allServices, defaultDeps, onStack, parseOptions, runExecutor, stackOf, stackTargetOptions, type ExecutorDeps } from '../executor-support';
import type { SnapshotExecutorSchema } from './schema';

export const snapshotOptions = z
  .object({
    out: z.string().min(1),
    environment: z.string().regex(/^[a-z][a-z0-9-]*$/, 'expected lowercase letters, digits and dashes, starting with a letter').optional(),
    ...stackTargetOptions,
  })
  .strict();

/**
 * Writes <out>/baseline.yaml from a running stack: every parameter the
 * catalog knows, from its best layer (live, else runtime, else declared),
 * each with its source; read back and validated before it is reported.
 */
export default async function snapshotExecutor(options: SnapshotExecutorSchema, context: ExecutorContext, deps: ExecutorDeps = defaultDeps()): Promise<{ success: boolean }> {
  return runExecutor(deps, async () => {
    const { out, environment, ...stack } = parseOptions(snapshotOptions, options, 'snapshot');
    const target = onStack(deps, stack);
    await target.runtime.ping();
    const catalog = loadCatalog(context.root);
    const local = await readLocalConfig({ ...target, stack: stackOf(target), workspaceRoot: context.root }, allServices(context));
    if (local.services.every((s) => s.running === 0)) throw new StackError(`stack ${local.stack} has no running member: start it (nx run-many -t up) or name it with --stack=<name> --port-offset=<n>`);
    const dir = isAbsolute(out) ? out : join(context.root, out);
    const name = environment ?? basename(dir);
    const baseline = snapshotBaseline(local, catalog, name, `snapshot of stack ${local.stack}, ${new Date().toISOString()}`);
    const file = join(dir, BASELINE_FILE);
    mkdirSync(dir, { recursive: true });
    const header = `# Baseline of "${name}" written by nx run stack:snapshot from stack ${local.stack} (docs/parity.md).\n# Edit the sources to say where each value comes from in the real environment.\n`;
    const replaced = existsSync(file);
    writeFileSync(file, header + stringify(baseline, { lineWidth: 0 }));
    loadBaselineFile(context.root, file, catalog);
    const count = Object.values(baseline.services).reduce((n, s) => n + Object.keys(s.parameters).length, 0);
    const running = local.services.filter((s) => s.running > 0).map((s) => s.name);
    deps.log(`${replaced ? 'replaced' : 'wrote'} ${relative(context.root, file)}: ${count} parameters of ${Object.keys(baseline.services).length} services from stack ${local.stack} (live: ${running.join(', ')})`);
    return true;
  });
}
