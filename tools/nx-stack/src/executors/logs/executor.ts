import type { ExecutorContext } from '@nx/devkit';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { LABELS, serviceLabels } from '../../core/naming';
import { StackError } from '../../core/errors';
import { currentService, defaultDeps, parseOptions, runExecutor, stackOf, type ExecutorDeps } from '../executor-support';
import type { LogsExecutorSchema } from './schema';

export const logsOptions = z
  .object({
    follow: z.boolean().default(false),
    since: z.string().optional(),
    tail: z.number().int().nonnegative().optional(),
    timestamps: z.boolean().default(false),
  })
  .strict();

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** "30s" / "10m" / "2h" / an ISO time → unix seconds. */
export function parseSince(since: string, now = Date.now()): number {
  const relative = /^(\d+)([smhd])$/.exec(since.trim());
  if (relative) return Math.floor(now / 1000) - Number(relative[1]) * UNIT_SECONDS[relative[2]];
  const time = Date.parse(since);
  if (Number.isNaN(time)) throw new StackError(`--since="${since}" is neither a duration (30s, 10m, 2h, 1d) nor a date/time.`);
  return Math.floor(time / 1000);
}

export default async function logsExecutor(
  options: LogsExecutorSchema,
  context: ExecutorContext,
  deps: ExecutorDeps = defaultDeps(),
): Promise<{ success: boolean }> {
  return runExecutor(deps, async () => {
    const parsed = parseOptions(logsOptions, options, 'logs');
    const service = currentService(context);
    const containers = (await deps.runtime.listContainers(serviceLabels(stackOf(deps), service.name))).sort(
      (a, b) => Number(a.labels[LABELS.member]) - Number(b.labels[LABELS.member]),
    );
    if (containers.length === 0) throw new StackError(`${service.name} has no containers: start it with npx nx run ${service.name}:up`);
    const logOptions = {
      tail: parsed.tail,
      since: parsed.since ? parseSince(parsed.since) : undefined,
      timestamps: parsed.timestamps,
    };
    const width = Math.max(...containers.map((c) => c.name.length));
    const prefix = (name: string) => `${name.padEnd(width)} | `;
    if (!parsed.follow) {
      for (const container of containers) {
        const text = (await deps.runtime.logs(container.id, logOptions)).trimEnd();
        for (const line of text ? text.split('\n') : []) deps.log(prefix(container.name) + line);
      }
      return true;
    }
    // Follow every member at once until Ctrl-C (or until they all stop).
    const abort = new AbortController();
    const stop = () => abort.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      await Promise.all(
        containers.map(async (container) => {
          const stream = await deps.runtime.followLogs(container.id, logOptions, abort.signal);
          for await (const line of createInterface({ input: stream })) deps.log(prefix(container.name) + line);
        }),
      );
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
    return true;
  });
}
