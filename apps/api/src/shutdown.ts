// Graceful stop: refuse new requests, let in-flight ones finish, close the
// pools, all within a deadline.
import type { Server } from 'node:http';
import { describeError } from './errors';
import type { Logger } from './logger';

/** What a stop needs of the Fastify instance (a bare http.Server wrapper in tests). */
export interface Closable {
  /** Fastify's close(): stops listening, closes idle keep-alive connections, resolves when in-flight requests are done. */
  close(): Promise<unknown>;
  readonly server: Server;
}

export interface ShutdownOptions {
  app?: Closable;
  /** Closes the pools; each is bounded by closeMs. */
  closers: Array<{ name: string; close: () => Promise<unknown> }>;
  logger: Logger;
  /** In-flight requests get this long before their connections are cut. */
  drainMs?: number;
  /** Each closer gets this long. */
  closeMs?: number;
}

async function drain(app: Closable, drainMs: number): Promise<void> {
  if (!app.server.listening) {
    await app.close();
    return;
  }
  const cut = setTimeout(() => app.server.closeAllConnections(), drainMs);
  try {
    await app.close();
  } finally {
    clearTimeout(cut);
  }
}

export async function gracefulShutdown({ app, closers, logger, drainMs = 3000, closeMs = 1000 }: ShutdownOptions): Promise<void> {
  if (app) {
    try {
      await drain(app, drainMs);
    } catch (err) {
      logger.warn({ error: describeError(err) }, 'closing the HTTP server failed');
    }
  }
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
        logger.warn({ error: describeError(err) }, `closing ${name} failed`);
      } finally {
        clearTimeout(timer);
      }
    }),
  );
}
