import type { ExecutorContext } from '@nx/devkit';
import { z } from 'zod';
import { untilInterrupted } from '../../core/interrupt';
import { outputSettled } from '../../core/output';
import { LOG_LEVELS } from '../../kinds/log-line';
import type { LogQuery, SearchResult } from '../../observe/log-index';
import { renderLogLines } from '../../observe/render-logs';
import { followStackLogs, logIndexPath, searchStackLogs, type StackLogsContext } from '../../observe/stack-logs';
import { coloursFor, allServices, defaultDeps, parseOptions, runExecutor, stackOf, type ExecutorDeps } from '../executor-support';
import { parseSince } from '../logs/executor';
import type { StackLogsExecutorSchema } from './schema';

const list = z.string().min(1).transform((value) => value.split(',').map((s) => s.trim()).filter(Boolean));

export const stackLogsOptions = z
  .object({
    service: list.optional(),
    member: list.optional(),
    level: z.enum(LOG_LEVELS).optional(),
    grep: z.string().min(1).optional(),
    traceId: z.string().regex(/^[0-9a-fA-F]{32}$/, 'expected a W3C trace id: 32 hex digits').optional(),
    since: z.string().optional(),
    until: z.string().optional(),
    limit: z.number().int().nonnegative().default(1000),
    follow: z.boolean().default(false),
    json: z.boolean().default(false),
  })
  .strict();

export default async function stackLogsExecutor(
  options: StackLogsExecutorSchema,
  context: ExecutorContext,
  deps: ExecutorDeps = defaultDeps(),
): Promise<{ success: boolean }> {
  return runExecutor(deps, async () => {
    const parsed = parseOptions(stackLogsOptions, options, 'stack-logs');
    const query: LogQuery = {
      services: parsed.service,
      members: parsed.member,
      level: parsed.level,
      grep: parsed.grep,
      traceId: parsed.traceId,
      sinceMs: parsed.since ? parseSince(parsed.since) * 1000 : undefined,
      untilMs: parsed.until ? parseSince(parsed.until) * 1000 : undefined,
      limit: parsed.limit || undefined,
    };
    const stack = stackOf(deps);
    const services = allServices(context);
    const ctx: StackLogsContext = { runtime: deps.runtime, stack, services, env: deps.env };
    const width = Math.max(0, ...services.map((s) => `${s.name}-${s.config.replicas}`.length));
    const file = logIndexPath(context.root, stack);
    const colours = coloursFor(deps);
    const print = (result: SearchResult) => {
      if (parsed.json) for (const line of result.lines) deps.log(JSON.stringify(line));
      else for (const line of renderLogLines(result.lines, colours, width)) deps.log(line);
    };
    if (parsed.follow) {
      await untilInterrupted((signal) => followStackLogs(file, ctx, query, print, signal));
      return true;
    }
    const result = await searchStackLogs(file, ctx, query);
    print(result);
    await outputSettled(result.lines.length);
    if (!parsed.json) {
      const shown = result.total > result.lines.length ? `the last ${result.lines.length} of ${result.total} matching lines (--limit=0 for all)` : `${result.total} matching line${result.total === 1 ? '' : 's'}`;
      deps.error(colours.dim(`${shown} from ${result.sync.containers} containers; index synced in ${result.sync.durationMs} ms (+${result.sync.added} lines), searched in ${result.searchMs} ms`));
    }
    return true;
  });
}
