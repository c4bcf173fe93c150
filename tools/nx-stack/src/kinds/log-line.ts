/**
 * What the log view reads from one line of a member's log: its level, the
 * time it says it was written, and a W3C trace id when it carries one. Each
 * kind parses its own format (kinds/<kind>/log-line.ts); these are the
 * formats and helpers several kinds share.
 */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface ParsedLogLine {
  level?: LogLevel;
  /** The line's own time (ms since the epoch), when it carries one. */
  timeMs?: number;
  traceId?: string;
}

export type LogLineParser = (line: string) => ParsedLogLine;

/** Severity words of every format the stack logs in → our levels. */
const WORDS: Record<string, LogLevel> = {
  trace: 'trace',
  debug: 'debug',
  debug1: 'debug',
  debug2: 'debug',
  debug3: 'debug',
  debug4: 'debug',
  debug5: 'debug',
  verbose: 'debug',
  info: 'info',
  log: 'info',
  notice: 'info',
  warn: 'warn',
  warning: 'warn',
  alert: 'error',
  err: 'error',
  error: 'error',
  emerg: 'fatal',
  crit: 'fatal',
  critical: 'fatal',
  fatal: 'fatal',
  panic: 'fatal',
  dpanic: 'fatal',
};

export const levelFromWord = (word: string | undefined): LogLevel | undefined => (word ? WORDS[word.toLowerCase()] : undefined);

/** pino's numeric levels: 10 trace … 60 fatal. */
const levelFromNumber = (n: number): LogLevel | undefined => (n >= 10 && n <= 60 ? LOG_LEVELS[Math.min(5, Math.floor(n / 10) - 1)] : undefined);

const TRACE_ID = /^[0-9a-f]{32}$/i;
/** A trace id written into any text: trace_id=…, "traceId":"…", or a traceparent 00-<trace>-<span>-<flags>. */
const TRACE_IN_TEXT = /(?:trace[_-]?id["']?\s*[=:]\s*["']?|\b00-)([0-9a-f]{32})\b/i;

export function traceIdIn(text: string): string | undefined {
  const match = TRACE_IN_TEXT.exec(text);
  return match ? match[1].toLowerCase() : undefined;
}

function timeOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value > 1e14 ? Math.floor(value / 1000) : value < 1e11 ? value * 1000 : value;
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

/**
 * A JSON log line (pino, zap, most structured loggers): level as a word or
 * pino's number, time from time/ts/timestamp, trace id from trace_id,
 * traceId or trace.id. Undefined when the line is not a JSON object.
 */
export function parseJsonLogLine(line: string): ParsedLogLine | undefined {
  const text = line.trimStart();
  if (!text.startsWith('{')) return undefined;
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (!json || typeof json !== 'object') return undefined;
  const level = typeof json.level === 'number' ? levelFromNumber(json.level) : levelFromWord(typeof json.level === 'string' ? json.level : typeof json.severity === 'string' ? json.severity : undefined);
  const trace = [json.trace_id, json.traceId, (json.trace as { id?: unknown } | undefined)?.id].find((t) => typeof t === 'string' && TRACE_ID.test(t)) as string | undefined;
  return { level, timeMs: timeOf(json.time ?? json.ts ?? json.timestamp ?? json['@timestamp']), traceId: trace?.toLowerCase() };
}

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

/** "29 Nov 2026 01:50:26.514" (UTC) → ms. */
export function dayMonthYearTime(day: string, month: string, year: string, time: string): number | undefined {
  const m = MONTHS[month];
  if (m === undefined) return undefined;
  const [hms, frac = '0'] = time.split('.');
  const [h, min, s] = hms.split(':').map(Number);
  return Date.UTC(Number(year), m, Number(day), h, min, s, Number(frac.padEnd(3, '0').slice(0, 3)));
}

/** "2026-11-29 01:50:28,067" or "2026-11-29 01:50:29.383" (UTC: every container runs in UTC) → ms. */
export const isoLikeTime = (date: string, time: string) => {
  const ms = Date.parse(`${date}T${time.replace(',', '.')}Z`);
  return Number.isNaN(ms) ? undefined : ms;
};

/** Redis's and Sentinel's "pid:role dd Mon yyyy hh:mm:ss.mmm <mark> text": . debug, - verbose, * notice, # warning. */
const REDIS_LINE = /^\d+:[A-Z] (\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d\d:\d\d:\d\d(?:\.\d+)?) ([.\-*#]) /;
const REDIS_MARKS: Record<string, LogLevel> = { '.': 'debug', '-': 'debug', '*': 'info', '#': 'warn' };

export function parseRedisLogLine(line: string): ParsedLogLine {
  const match = REDIS_LINE.exec(line);
  if (!match) return { traceId: traceIdIn(line) };
  return { level: REDIS_MARKS[match[5]], timeMs: dayMonthYearTime(match[1], match[2], match[3], match[4]) };
}

/** Lines without a format of their own: only a trace id written into them. */
export const parsePlainLogLine: LogLineParser = (line) => ({ traceId: traceIdIn(line) });
