// Structured logs: one JSON object per line (stdout; warnings and errors on
// stderr), which `docker logs` and any collector read as they are.

export type LogFields = Record<string, unknown>;

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

export interface LineSink {
  write(line: string): unknown;
}

export function createJsonLogger(out: LineSink = process.stdout, err: LineSink = process.stderr, now = () => new Date()): Logger {
  const write = (level: 'info' | 'warn' | 'error', msg: string, fields?: LogFields) => {
    const line = JSON.stringify({ time: now().toISOString(), level, msg, ...fields }) + '\n';
    (level === 'info' ? out : err).write(line);
  };
  return {
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
  };
}

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
