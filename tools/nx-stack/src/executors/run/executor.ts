import type { ExecutorContext } from '@nx/devkit';
import { z } from 'zod';
import { StackError } from '../../core/errors';
import { describeHostEnv, hostRunEnv, requireDependenciesReady } from '../../lifecycle/host-run';
import { allServices, currentService, defaultDeps, onStack, parseOptions, runExecutor, stackOf, stackTargetOptions, type ExecutorDeps } from '../executor-support';
import type { RunExecutorSchema } from './schema';

export const runOptions = z
  .object({
    command: z.string().trim().min(1, 'expected the command to run, e.g. "node dist/main.js"'),
    args: z.string().optional(),
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name'), z.string()).default({}),
    cwd: z.string().optional(),
    ...stackTargetOptions,
  })
  .strict();

/** Runs a command on the host with the stack env of its service (through it, `execa`); specs pass their own. */
export type Spawn = (command: string, options: { cwd: string; env: Record<string, string> }) => Promise<{ exitCode?: number; signal?: string }>;

const spawnWithExeca: Spawn = async (command, { cwd, env }) => {
  const { execa } = await import('execa');
  const child = execa(command, { shell: true, stdio: 'inherit', cwd, env, extendEnv: true, reject: false, forceKillAfterDelay: 5000 });
  // Nx stops a task with SIGTERM (a terminal's Ctrl-C reaches the child by itself): pass it on, wait for it to exit.
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const onTerm = forward('SIGTERM');
  const onInt = forward('SIGINT');
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  try {
    const result = await child;
    return { exitCode: result.exitCode, signal: result.signal };
  } finally {
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
  }
};

/**
 * A process of the service on the host, against the running stack: the
 * service's container env with every address translated to 127.0.0.1 and
 * the published ports (api:dev, api:migrate, web:dev). Refuses while a
 * dependency is not ready, naming it.
 */
export default async function runExecutor_(
  options: RunExecutorSchema,
  context: ExecutorContext,
  deps: ExecutorDeps = defaultDeps(),
  spawn: Spawn = spawnWithExeca,
): Promise<{ success: boolean }> {
  return runExecutor(deps, async () => {
    const parsed = parseOptions(runOptions, options, 'run');
    const target = onStack(deps, parsed);
    const service = currentService(context);
    const request = { workspaceRoot: context.root, stack: stackOf(target), service, services: allServices(context), env: parsed.env };
    await requireDependenciesReady(target, request);
    const env = hostRunEnv(request, target.env);
    const command = parsed.args ? `${parsed.command} ${parsed.args}` : parsed.command;
    deps.log(`${service.name} on the host, against stack "${request.stack}": ${describeHostEnv(env, service.config.secrets)}`);
    deps.log(`$ ${command}`);
    const result = await spawn(command, { cwd: parsed.cwd ?? context.root, env });
    if (result.signal === 'SIGINT' || result.signal === 'SIGTERM') return true; // stopped on purpose
    if (result.exitCode !== 0) {
      throw new StackError(`${service.name}: \`${command}\` exited ${result.exitCode ?? `on ${result.signal}`}`);
    }
    return true;
  });
}
