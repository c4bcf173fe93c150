import { isoLikeTime, levelFromWord, traceIdIn, type LogLineParser } from '../log-line';

/** Patroni: "2026-11-29 01:50:28,067 INFO: Lock owner: …". */
const PATRONI = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d,\d+) ([A-Z]+): /;
/** PostgreSQL (log_line_prefix '%m [%p] '): "2026-11-29 01:50:29.383 UTC [48] LOG:  …"; DETAIL/HINT/STATEMENT/CONTEXT continue the line before. */
const POSTGRES = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?) UTC \[\d+\] (?:[^ ]+ )?([A-Z0-9]+): {2}/;
const CONTINUATION = new Set(['DETAIL', 'HINT', 'STATEMENT', 'CONTEXT', 'QUERY', 'LOCATION']);

/**
 * A Patroni member's log holds Patroni's own lines and PostgreSQL's. Both
 * carry time and level; an application's trace id shows up in PostgreSQL's
 * lines when the statement or application_name carries it.
 */
export const parsePatroniLogLine: LogLineParser = (line) => {
  const patroni = PATRONI.exec(line);
  if (patroni) return { level: levelFromWord(patroni[3]), timeMs: isoLikeTime(patroni[1], patroni[2]), traceId: traceIdIn(line) };
  const postgres = POSTGRES.exec(line);
  if (postgres) {
    const level = CONTINUATION.has(postgres[3]) ? 'info' : levelFromWord(postgres[3]);
    return { level, timeMs: isoLikeTime(postgres[1], postgres[2]), traceId: traceIdIn(line) };
  }
  return { traceId: traceIdIn(line) };
};
