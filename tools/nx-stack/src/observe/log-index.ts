import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { StackError } from '../core/errors';
import { LOG_LEVELS, traceIdIn, type LogLevel, type LogLineParser } from '../kinds/log-line';
import { MARKER_PREFIX } from '../simulation/log-marker';

/** One container's log as the index reads it. */
export interface LogSource {
  containerId: string;
  /** Container name (paws360-patroni-2). */
  container: string;
  service: string;
  member: number;
  parse: LogLineParser;
}

export interface IndexedLine {
  id: number;
  /** When the engine received the line (ISO, with microseconds). */
  time: string;
  /** The same, in microseconds since the epoch (the view's order). */
  timeUs: number;
  /** The time the line itself states, when it states one (ms since the epoch). */
  loggedMs?: number;
  service: string;
  member: number;
  container: string;
  level?: LogLevel;
  traceId?: string;
  /** A failure simulation's marker ([paws360-simulation] …). */
  marker: boolean;
  text: string;
}

export interface LogQuery {
  services?: string[];
  /** Members as "<service>-<n>" (patroni-2) or container names. */
  members?: string[];
  /** This level and above; lines without a level are left out. */
  level?: LogLevel;
  /** A regular expression (JavaScript syntax) the line's text must match. */
  grep?: string;
  traceId?: string;
  sinceMs?: number;
  untilMs?: number;
  /** Only lines with an id above this (what --follow has printed). */
  afterId?: number;
  /** The last N matching lines (0 or absent: all). */
  limit?: number;
}

export interface SearchResult {
  lines: IndexedLine[];
  /** Matching lines before the limit. */
  total: number;
}

/** How the index is kept bounded (docs/observability.md). */
export interface LogIndexBounds {
  /** Lines older than this many days are dropped. */
  maxAgeDays: number;
  /** At most this many lines, the oldest dropped first. */
  maxLines: number;
}

export const DEFAULT_BOUNDS: LogIndexBounds = { maxAgeDays: 7, maxLines: 1_000_000 };

/** PAWS360_LOG_RETENTION_DAYS and PAWS360_LOG_MAX_LINES override the bounds. */
export function boundsFrom(env: NodeJS.ProcessEnv): LogIndexBounds {
  const number = (name: string, fallback: number) => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new StackError(`${name}="${raw}" is not a positive number.`);
    return value;
  };
  return { maxAgeDays: number('PAWS360_LOG_RETENTION_DAYS', DEFAULT_BOUNDS.maxAgeDays), maxLines: Math.floor(number('PAWS360_LOG_MAX_LINES', DEFAULT_BOUNDS.maxLines)) };
}

const SCHEMA_VERSION = '1';

/** "2026-11-29T02:10:25.387800411Z" → nanoseconds since the epoch (the engine's own precision, for the cursor). */
export function engineNanos(stamp: string): bigint | undefined {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(stamp);
  if (!match) return undefined;
  const ms = Date.parse(`${match[1]}${match[3]}`);
  if (Number.isNaN(ms)) return undefined;
  return BigInt(ms) * 1_000_000n + BigInt((match[2] ?? '').padEnd(9, '0').slice(0, 9));
}

const isoMicros = (us: number) => {
  const ms = Math.floor(us / 1000);
  return `${new Date(ms).toISOString().slice(0, 19)}.${String(us % 1_000_000).padStart(6, '0')}Z`;
};

const levelRank = (level: LogLevel | undefined) => (level ? LOG_LEVELS.indexOf(level) : null);

function compileGrep(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch (error) {
    throw new StackError(`--grep="${pattern}" is not a valid regular expression: ${(error as Error).message}`);
  }
}

type Row = [number, number, number | null, string, number, string, number | null, string | null, number, string];
const COLUMNS = 'id, t, logged, service, member, container, level, trace, marker, text';

const toLine = ([id, t, logged, service, member, container, level, trace, marker, text]: Row): IndexedLine => ({
  id,
  time: isoMicros(t),
  timeUs: t,
  ...(logged !== null ? { loggedMs: logged } : {}),
  service,
  member,
  container,
  ...(level !== null ? { level: LOG_LEVELS[level] } : {}),
  ...(trace !== null ? { traceId: trace } : {}),
  marker: marker === 1,
  text,
});

/**
 * The stack's logs on the host, in SQLite (better-sqlite3, loaded on first
 * use): one table of lines in the engine's time order, read incrementally
 * from each container after the last line it holds of it (a cursor per
 * container id, so a recreated container is a new source and its
 * predecessor's lines stay). Filters run in SQL, the regular expression in
 * one pass over what they leave.
 */
export class LogIndex {
  private constructor(private readonly db: BetterSqlite3.Database) {}

  /** Opens (creating when missing) the index file. */
  static open(file: string): LogIndex {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    // Loaded here, on first use: graph creation and every other command never pay for the native module.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Database = require('better-sqlite3') as typeof BetterSqlite3;
    const db = new Database(file);
    db.pragma('busy_timeout = 5000');
    // Before any table exists: deleted pages can then be handed back to the file system.
    db.pragma('auto_vacuum = INCREMENTAL');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(`
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS sources (
        container_id TEXT PRIMARY KEY, container TEXT NOT NULL, service TEXT NOT NULL, member INTEGER NOT NULL,
        cursor_ns TEXT, seen_ms INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS lines (
        id INTEGER PRIMARY KEY, t INTEGER NOT NULL, logged INTEGER, service TEXT NOT NULL, member INTEGER NOT NULL,
        container TEXT NOT NULL, level INTEGER, trace TEXT, marker INTEGER NOT NULL, text TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS lines_t ON lines (t);
      CREATE INDEX IF NOT EXISTS lines_trace ON lines (trace) WHERE trace IS NOT NULL;
    `);
    const version = (db.prepare("SELECT value FROM meta WHERE key = 'schema'").get() as { value: string } | undefined)?.value;
    if (version === undefined) db.prepare("INSERT INTO meta (key, value) VALUES ('schema', ?)").run(SCHEMA_VERSION);
    else if (version !== SCHEMA_VERSION) {
      db.close();
      throw new StackError(`the log index ${file} has schema ${version}, this plugin writes ${SCHEMA_VERSION}: delete the file, it is rebuilt from the containers' logs.`);
    }
    return new LogIndex(db);
  }

  close(): void {
    this.db.close();
  }

  /** Where to resume reading a container: unix seconds for the engine's `since` (0: from its first line). */
  resumeSeconds(containerId: string): number {
    const row = this.db.prepare('SELECT cursor_ns FROM sources WHERE container_id = ?').get(containerId) as { cursor_ns: string | null } | undefined;
    return row?.cursor_ns ? Number(BigInt(row.cursor_ns) / 1_000_000_000n) : 0;
  }

  /**
   * Adds a container's log text read with engine timestamps ("<RFC 3339 nano> <line>"
   * per line), skipping what it holds already (at or before its cursor). Returns the lines added.
   */
  ingest(source: LogSource, text: string, nowMs = Date.now()): number {
    const insert = this.db.prepare(
      'INSERT INTO lines (t, logged, service, member, container, level, trace, marker, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const run = this.db.transaction(() => {
      const row = this.db.prepare('SELECT cursor_ns FROM sources WHERE container_id = ?').get(source.containerId) as { cursor_ns: string | null } | undefined;
      let cursor = row?.cursor_ns ? BigInt(row.cursor_ns) : -1n;
      let added = 0;
      for (const raw of text.split('\n')) {
        if (!raw) continue;
        const space = raw.indexOf(' ');
        const nanos = space > 0 ? engineNanos(raw.slice(0, space)) : undefined;
        if (nanos === undefined || nanos <= cursor) continue;
        cursor = nanos;
        const line = raw.slice(space + 1).replace(/\r$/, '');
        const parsed = source.parse(line);
        insert.run(
          Number(nanos / 1000n),
          parsed.timeMs ?? null,
          source.service,
          source.member,
          source.container,
          levelRank(parsed.level),
          parsed.traceId ?? traceIdIn(line) ?? null,
          line.includes(MARKER_PREFIX) ? 1 : 0,
          line,
        );
        added++;
      }
      this.db
        .prepare(
          `INSERT INTO sources (container_id, container, service, member, cursor_ns, seen_ms) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (container_id) DO UPDATE SET cursor_ns = excluded.cursor_ns, seen_ms = excluded.seen_ms`,
        )
        .run(source.containerId, source.container, source.service, source.member, cursor >= 0n ? cursor.toString() : null, nowMs);
      return added;
    });
    return run.immediate();
  }

  /** Lines matching the query, oldest first (the last `limit` of them). */
  search(query: LogQuery): SearchResult {
    const where: string[] = [];
    const params: unknown[] = [];
    const list = (column: string, values: unknown[]) => {
      where.push(`${column} IN (${values.map(() => '?').join(', ')})`);
      params.push(...values);
    };
    if (query.services?.length) list('service', query.services);
    if (query.members?.length) {
      where.push(`(${query.members.map(() => `(container = ? OR (service || '-' || member) = ?)`).join(' OR ')})`);
      for (const m of query.members) params.push(m, m);
    }
    if (query.level) {
      where.push('level >= ?');
      params.push(levelRank(query.level));
    }
    if (query.traceId) {
      // Every line's trace id is read when it is indexed (its field, or one written into its text).
      where.push('trace = ?');
      params.push(query.traceId.toLowerCase());
    }
    if (query.sinceMs !== undefined) {
      where.push('t >= ?');
      params.push(query.sinceMs * 1000);
    }
    if (query.untilMs !== undefined) {
      where.push('t <= ?');
      params.push(query.untilMs * 1000);
    }
    if (query.afterId !== undefined) {
      where.push('id > ?');
      params.push(query.afterId);
    }
    const filter = where.length ? ` WHERE ${where.join(' AND ')}` : '';
    const limit = query.limit && query.limit > 0 ? query.limit : 0;
    if (!query.grep) {
      const total = (this.db.prepare(`SELECT count(*) FROM lines${filter}`).raw(true).get(...params) as [number])[0];
      const rows = limit
        ? (this.db.prepare(`SELECT ${COLUMNS} FROM lines${filter} ORDER BY t DESC, id DESC LIMIT ?`).raw(true).all(...params, limit) as Row[]).reverse()
        : (this.db.prepare(`SELECT ${COLUMNS} FROM lines${filter} ORDER BY t, id`).raw(true).all(...params) as Row[]);
      return { total, lines: rows.map(toLine) };
    }
    // The regular expression inside SQLite's scan (a function it calls per line the filters leave, no row copied out); whole rows only for the lines shown.
    const regex = compileGrep(query.grep);
    this.db.function('regexp', { deterministic: true }, (_pattern: unknown, text: unknown) => (regex.test(String(text)) ? 1 : 0));
    const matched = (this.db.prepare(`SELECT id FROM lines${filter ? `${filter} AND` : ' WHERE'} text REGEXP ? ORDER BY t, id`).pluck().all(...params, query.grep) as number[]);
    const shown = limit ? matched.slice(-limit) : matched;
    const lines: IndexedLine[] = [];
    for (let i = 0; i < shown.length; i += 500) {
      const chunk = shown.slice(i, i + 500);
      const rows = this.db.prepare(`SELECT ${COLUMNS} FROM lines WHERE id IN (${chunk.map(() => '?').join(', ')}) ORDER BY t, id`).raw(true).all(...chunk) as Row[];
      lines.push(...rows.map(toLine));
    }
    return { total: matched.length, lines };
  }

  /** The newest line's id (0 when empty): lines added later have higher ones. */
  maxId(): number {
    return (this.db.prepare('SELECT max(id) AS id FROM lines').get() as { id: number | null }).id ?? 0;
  }

  /** Lines held, and the index's size on disk. */
  stats(): { lines: number; sources: number; bytes: number } {
    const lines = (this.db.prepare('SELECT count(*) AS n FROM lines').get() as { n: number }).n;
    const sources = (this.db.prepare('SELECT count(*) AS n FROM sources').get() as { n: number }).n;
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const size = this.db.pragma('page_size', { simple: true }) as number;
    return { lines, sources, bytes: pages * size };
  }

  /**
   * Keeps the index bounded: drops lines older than maxAgeDays, then the
   * oldest beyond maxLines, and containers not seen for maxAgeDays; the
   * freed pages go back to the file system. Returns the lines dropped.
   */
  prune(bounds: LogIndexBounds, nowMs = Date.now()): number {
    const cutoffUs = (nowMs - bounds.maxAgeDays * 86_400_000) * 1000;
    const dropped = this.db.transaction(() => {
      let n = this.db.prepare('DELETE FROM lines WHERE t < ?').run(cutoffUs).changes;
      const count = (this.db.prepare('SELECT count(*) AS n FROM lines').get() as { n: number }).n;
      if (count > bounds.maxLines) {
        n += this.db.prepare('DELETE FROM lines WHERE id IN (SELECT id FROM lines ORDER BY t, id LIMIT ?)').run(count - bounds.maxLines).changes;
      }
      this.db.prepare('DELETE FROM sources WHERE seen_ms < ?').run(nowMs - bounds.maxAgeDays * 86_400_000);
      return n;
    }).immediate();
    if (dropped > 0) this.db.pragma('incremental_vacuum');
    return dropped;
  }
}
