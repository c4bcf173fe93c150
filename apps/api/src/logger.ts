// Structured logs with pino: one JSON object per line on stdout, which
// `docker logs` and any collector read as they are. Request-scoped lines come
// from Fastify's child logger (request.log), which carries `trace_id`; the
// service layer logs through the logger it is handed, so cache and database
// errors of a request carry it too.
import pino, { type BaseLogger, type DestinationStream, type LevelWithSilent } from 'pino';

/** What our code logs through: a pino logger or a child of one (Fastify's request.log). */
export type Logger = Pick<BaseLogger, 'debug' | 'info' | 'warn' | 'error'>;

export function createLogger(level: LevelWithSilent = 'info', destination: DestinationStream = pino.destination({ dest: 1, sync: true })) {
  return pino(
    {
      level,
      base: { service: 'paws360-api' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // "level":"info" rather than 30: readable without a pino-aware viewer.
      formatters: { level: (label) => ({ level: label }) },
    },
    // Synchronous writes: low volume, and nothing is lost when the process exits right after a line.
    destination,
  );
}

export const silentLogger: Logger = pino({ level: 'silent' });
