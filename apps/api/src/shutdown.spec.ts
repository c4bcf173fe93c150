import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { gracefulShutdown } from './shutdown';
import { RecordingLogger } from './testing/fakes';

async function listen(handler: () => Promise<string>): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify();
  app.get('/', handler);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/` };
}

describe('gracefulShutdown', () => {
  it('lets an in-flight request finish, refuses new connections, then closes the pools', async () => {
    const order: string[] = [];
    let arrived = () => undefined as void;
    const { app, url } = await listen(async () => {
      arrived();
      await new Promise((r) => setTimeout(r, 150));
      order.push('request finished');
      return 'done';
    });
    // A keep-alive connection with no request on it must not hold the stop.
    await fetch(url);
    order.length = 0;

    // Stop once the request is in the handler (a fixed delay lost the race on a loaded machine:
    // the request had not arrived, its idle keep-alive connection was closed, ECONNRESET).
    const inHandler = new Promise<void>((resolve) => (arrived = resolve));
    const inFlight = fetch(url).then((r) => r.text());
    await inHandler;
    const done = gracefulShutdown({
      app,
      logger: new RecordingLogger().logger,
      closers: [{ name: 'pool', close: async () => void order.push('pool closed') }],
    });
    expect(await inFlight).toBe('done');
    await done;
    expect(order).toEqual(['request finished', 'pool closed']);
    expect(app.server.listening).toBe(false);
    await expect(fetch(url)).rejects.toThrow();
  });

  it('cuts requests that outlive the drain period and bounds each closer', async () => {
    const { app, url } = await listen(() => new Promise(() => undefined)); // never answers
    const hung = fetch(url).catch((err: unknown) => err);
    await new Promise((r) => setTimeout(r, 30));
    const log = new RecordingLogger();
    const started = Date.now();
    await gracefulShutdown({
      app,
      logger: log.logger,
      drainMs: 100,
      closeMs: 100,
      closers: [
        { name: 'stuck', close: () => new Promise(() => undefined) },
        { name: 'fine', close: async () => undefined },
      ],
    });
    expect(Date.now() - started).toBeLessThan(1500);
    // fetch's TypeError comes from Node's realm, not jest's: compare by shape.
    expect(await hung).toMatchObject({ name: 'TypeError', message: 'fetch failed' });
    expect(log.at('warn')).toEqual([expect.objectContaining({ msg: 'closing stuck failed', error: 'did not close within 100 ms' })]);
  });

  it('closes the pools when the server never started (a signal during start-up)', async () => {
    const closed: string[] = [];
    const app = Fastify();
    await gracefulShutdown({ app, logger: new RecordingLogger().logger, closers: [{ name: 'pool', close: async () => void closed.push('pool') }] });
    expect(closed).toEqual(['pool']);
  });
});
