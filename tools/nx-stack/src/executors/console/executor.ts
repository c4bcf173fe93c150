import type { ExecutorContext } from '@nx/devkit';
import { z } from 'zod';
import { untilInterrupted } from '../../core/interrupt';
import { startConsole } from '../../observe/console-server';
import { logIndexPath } from '../../observe/stack-logs';
import { allServices, defaultDeps, parseOptions, runExecutor, stackOf, type ExecutorDeps } from '../executor-support';
import type { ConsoleExecutorSchema } from './schema';

export const consoleOptions = z
  .object({
    port: z.number().int().min(0).max(65535).default(9400),
  })
  .strict();

export default async function consoleExecutor(
  options: ConsoleExecutorSchema,
  context: ExecutorContext,
  deps: ExecutorDeps = defaultDeps(),
): Promise<{ success: boolean }> {
  return runExecutor(deps, async () => {
    const { port } = parseOptions(consoleOptions, options, 'console');
    const stack = stackOf(deps);
    // The console's port moves with the stack's ports (PAWS360_PORT_OFFSET), like every other; 0 picks a free one.
    const listen = port === 0 ? 0 : port + (Number(deps.env.PAWS360_PORT_OFFSET ?? 0) || 0);
    const services = allServices(context);
    const running = await startConsole({ ...deps, stack, workspaceRoot: context.root, services, indexFile: logIndexPath(context.root, stack) }, listen);
    deps.log(`stack console on ${running.url} (127.0.0.1 only); Ctrl-C stops it`);
    await untilInterrupted((signal) => new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true })));
    await running.close();
    return true;
  });
}
