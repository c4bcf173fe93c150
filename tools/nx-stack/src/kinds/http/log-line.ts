import { parseJsonLogLine, parsePlainLogLine, type LogLineParser } from '../log-line';

/** An application logs JSON lines (the API: pino, with trace_id); anything else only for a trace id in it. */
export const parseHttpLogLine: LogLineParser = (line) => parseJsonLogLine(line) ?? parsePlainLogLine(line);
