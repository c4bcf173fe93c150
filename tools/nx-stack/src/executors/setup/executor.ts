import type { ExecutorContext } from '@nx/devkit';
import { execa } from 'execa';
import { z } from 'zod';
import { palette } from '../../core/colour';
import { renderTable } from '../../core/table';
import { setup, setupFailed, type RunCommand, type SetupReport } from '../../lifecycle/setup';
import { coloursFor, allServices, defaultDeps, onStack, parseOptions, runExecutor, stackOf, stackTargetOptions, type ExecutorDeps } from '../executor-support';
import type { SetupExecutorSchema } from './schema';

export const setupOptions = z
  .object({
    json: z.boolean().default(false),
    provision: z.boolean().default(true),
    ...stackTargetOptions,
  })
  .strict();

const MARK = { done: '✓', ok: '✓', warn: '⚠', failed: '✗' } as const;

export function renderSetup(report: SetupReport, colours = palette()): string {
  const tint = { done: colours.green, ok: colours.green, warn: colours.yellow, failed: colours.red };
  const rows = report.steps.map((s) => [tint[s.status](MARK[s.status]), s.step, s.status === 'done' ? 'done now' : s.status, s.fix ? `${s.detail} → ${s.fix}` : s.detail]);
  const bad = setupFailed(report).length;
  const summary = bad
    ? colours.red(`${bad} step${bad > 1 ? 's' : ''} failed`)
    : `ready: npm start (or npx nx run-many -t up) starts stack "${report.stack}"`;
  return `${renderTable([' ', 'STEP', 'STATUS', 'DETAIL'], rows)}\n${summary} (${(report.durationMs / 1000).toFixed(1)} s)`;
}

/** Host commands of setup (the provisioning script, nx run-many -t image), their output on the terminal (stderr with --json). */
const runOnHost =
  (cwd: string, env: NodeJS.ProcessEnv, json: boolean): RunCommand =>
  async (command, args) => {
    const result = await execa(command, args, { cwd, env, stdin: 'ignore', stdout: json ? 'pipe' : 'inherit', stderr: 'inherit', reject: false });
    if (json && result.stdout) process.stderr.write(`${result.stdout}\n`);
    return result.exitCode ?? 1;
  };

/**
 * stack:setup — what a first start needs, each step reported: an engine
 * (provisioned when none answers, unless --no-provision), the base images,
 * the stack's secrets file, every service image, and preflight.
 * Idempotent; exits non-zero naming the step that failed and what to do.
 */
export default async function setupExecutor(
  options: SetupExecutorSchema,
  context: ExecutorContext,
  deps: ExecutorDeps = defaultDeps(),
  run?: RunCommand,
): Promise<{ success: boolean }> {
  return runExecutor(deps, async () => {
    const parsed = parseOptions(setupOptions, options, 'setup');
    const target = onStack(deps, parsed);
    const report = await setup(
      {
        ...target,
        stack: stackOf(target),
        workspaceRoot: context.root,
        provision: parsed.provision,
        run: run ?? runOnHost(context.root, target.env, parsed.json),
      },
      allServices(context),
    );
    deps.log(parsed.json ? JSON.stringify(report) : renderSetup(report, coloursFor(deps)));
    return setupFailed(report).length === 0;
  });
}
