import type { ExecutorContext } from '@nx/devkit';
import { z } from 'zod';
import { probeContext } from '../../kinds/health';
import { monitorRedis, type MonitoredCommand } from '../../kinds/redis/operations';
import { currentService, defaultDeps, onStack, parseOptions, runExecutor, stackOf, stackTargetOptions, type ExecutorDeps } from '../executor-support';
import type { MonitorExecutorSchema } from './schema';

export const monitorOptions = z
  .object({
    json: z.boolean().default(false),
    all: z.boolean().default(false),
    seconds: z.number().positive().optional(),
    ...stackTargetOptions,
  })
  .strict();

const quote = (arg: string) => (/^[\w:.\-/{}]+$/.test(arg) ? arg : JSON.stringify(arg));

/** What the Sentinels and replication send all the time (PING, INFO, hello messages): hidden unless --all. */
export function isHousekeeping(command: MonitoredCommand): boolean {
  const name = command.args[0]?.toUpperCase();
  return ['PING', 'INFO', 'REPLCONF', 'ROLE'].includes(name) || (name === 'PUBLISH' && command.args[1] === '__sentinel__:hello');
}

/** One MONITOR line as a person reads it: time, member, client, command. */
export function formatCommand(command: MonitoredCommand): string {
  const time = new Date(command.time * 1000).toISOString().slice(11, 23);
  return `${time} ${command.member} db${command.db} ${command.client.padEnd(21)} ${command.args.map(quote).join(' ')}`;
}

/** redis:monitor — every command the master executes, live, across failovers, until Ctrl-C (or --seconds). */
export default async function monitorExecutor(
  options: MonitorExecutorSchema,
  context: ExecutorContext,
  deps: ExecutorDeps = defaultDeps(),
  monitor: typeof monitorRedis = monitorRedis,
): Promise<{ success: boolean }> {
  return runExecutor(deps, async () => {
    const parsed = parseOptions(monitorOptions, options, 'monitor');
    const target = onStack(deps, parsed);
    const service = currentService(context);
    const healthDeps = { ...target, stack: stackOf(target), workspaceRoot: context.root };
    const abort = new AbortController();
    const stop = () => abort.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const timer = parsed.seconds === undefined ? undefined : setTimeout(stop, parsed.seconds * 1000);
    try {
      await monitor(
        () => probeContext(healthDeps, service),
        (command) => {
          if (!parsed.all && isHousekeeping(command)) return;
          deps.log(parsed.json ? JSON.stringify(command) : formatCommand(command));
        },
        (notice) => deps.error(notice),
        abort.signal,
      );
    } finally {
      clearTimeout(timer);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
    return true;
  });
}
