// Graceful stop: refuse new connections, let in-flight requests finish,
// close the pools, all within a deadline.
import type { Server } from 'node:http';
import { describeError } from './errors';
import type { Logger } from './logger';

export interface ShutdownOptions {
  server?: Server;
  /** Closes the pools; each is bounded by the remaining time. */
  closers: Array<{ name: string; close: () => Promise<unknown> }>;
  logger: Logger;
  /** In-flight requests get this long before their connections are cut. */
  drainMs?: number;
  /** Each closer gets this long. */
  closeMs?: number;
}

function closeServer(server: Server, drainMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    const cut = setTimeout(() => server.closeAllConnections(), drainMs);
    // Keep-alive connections hold close() open: drop each one as soon as its
    // in-flight request is answered (Node keeps them open otherwise).
    const sweep = setInterval(() => server.closeIdleConnections(), 25);
    server.close(() => {
      clearTimeout(cut);
      clearInterval(sweep);
      resolve();
    });
    server.closeIdleConnections();
  });
}

export async function gracefulShutdown({ server, closers, logger, drainMs = 3000, closeMs = 1000 }: ShutdownOptions): Promise<void> {
  if (server) await closeServer(server, drainMs);
  await Promise.all(
    closers.map(async ({ name, close }) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          close(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`did not close within ${closeMs} ms`)), closeMs);
          }),
        ]);
      } catch (err) {
        logger.warn(`closing ${name} failed`, { error: describeError(err) });
      } finally {
        clearTimeout(timer);
      }
    }),
  );
}
