import { join } from 'node:path';
import { pause } from '../core/interrupt';
import { LABELS, stackLabels } from '../core/naming';
import type { ServiceDefinition } from '../core/service-config';
import { parseJsonLogLine, parsePlainLogLine, type LogLineParser } from '../kinds/log-line';
import { kindModule } from '../kinds/registry';
import type { ContainerInfo, ContainerRuntime } from '../runtime/container-runtime';
import { LogIndex, boundsFrom, type LogQuery, type LogSource, type SearchResult } from './log-index';

/** Where a stack's log index lives: <workspace>/.paws360/logs/<stack>.db (git-ignored, one per stack). */
export const logIndexPath = (workspaceRoot: string, stack: string) => join(workspaceRoot, '.paws360', 'logs', `${stack}.db`);

export interface StackLogsContext {
  runtime: ContainerRuntime;
  stack: string;
  /** The workspace's services: which kind parses which service's lines. */
  services: ServiceDefinition[];
  env: NodeJS.ProcessEnv;
}

/** A service's kind parses its lines; a container of a service the workspace no longer has, as JSON or plain text. */
function parserFor(services: ServiceDefinition[], service: string): LogLineParser {
  const definition = services.find((s) => s.name === service);
  if (definition) return kindModule(definition.config.kind).parseLogLine;
  return (line) => parseJsonLogLine(line) ?? parsePlainLogLine(line);
}

const sourceOf = (container: ContainerInfo, services: ServiceDefinition[]): LogSource => {
  const service = container.labels[LABELS.service] ?? 'unknown';
  return { containerId: container.id, container: container.name, service, member: Number(container.labels[LABELS.member] ?? 0), parse: parserFor(services, service) };
};

export interface SyncReport {
  containers: number;
  added: number;
  pruned: number;
  durationMs: number;
}

/**
 * Brings the index up to date with every container of the stack, running or
 * not: each is asked only for what came after the last line the index holds
 * of it. A container created since the last sync is read from its start.
 */
export async function syncLogIndex(index: LogIndex, ctx: StackLogsContext): Promise<SyncReport> {
  const started = performance.now();
  const containers = await ctx.runtime.listContainers(stackLabels(ctx.stack));
  // Read in parallel, written one after the other (one writer).
  const texts = await Promise.all(
    containers.map(async (container) => {
      const source = sourceOf(container, ctx.services);
      const since = index.resumeSeconds(container.id);
      const text = await ctx.runtime.logs(container.id, { since, timestamps: true }).catch(() => '');
      return { source, text };
    }),
  );
  let added = 0;
  for (const { source, text } of texts) added += index.ingest(source, text);
  const pruned = index.prune(boundsFrom(ctx.env));
  return { containers: containers.length, added, pruned, durationMs: Math.round(performance.now() - started) };
}

export interface StackLogsResult extends SearchResult {
  sync: SyncReport;
  searchMs: number;
}

/** Syncs the stack's index, then searches it. */
export async function searchStackLogs(file: string, ctx: StackLogsContext, query: LogQuery): Promise<StackLogsResult> {
  const index = LogIndex.open(file);
  try {
    const sync = await syncLogIndex(index, ctx);
    const started = performance.now();
    const result = index.search(query);
    return { ...result, sync, searchMs: Math.round(performance.now() - started) };
  } finally {
    index.close();
  }
}

/**
 * Follows the whole stack: every `intervalMs`, syncs the index (new lines,
 * and containers created or recreated meanwhile) and hands over the new
 * lines that match, in time order, until `signal` fires.
 */
export async function followStackLogs(
  file: string,
  ctx: StackLogsContext,
  query: LogQuery,
  onLines: (result: SearchResult) => void,
  signal: AbortSignal,
  intervalMs = 1000,
): Promise<void> {
  const index = LogIndex.open(file);
  try {
    await syncLogIndex(index, ctx);
    const first = index.search(query);
    onLines(first);
    let lastId = index.maxId();
    while (!signal.aborted) {
      await pause(intervalMs, signal);
      if (signal.aborted) break;
      await syncLogIndex(index, ctx);
      const next = index.search({ ...query, afterId: lastId, limit: undefined });
      if (next.lines.length) {
        lastId = next.lines.reduce((max, l) => Math.max(max, l.id), lastId);
        onLines(next);
      }
    }
  } finally {
    index.close();
  }
}
