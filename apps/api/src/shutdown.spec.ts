import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gracefulShutdown } from './shutdown';
import { RecordingLogger } from './testing/fakes';

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('gracefulShutdown', () => {
  it('lets an in-flight request finish, refuses new connections, then closes the pools', async () => {
    const order: string[] = [];
    const { server, url } = await listen((_req, res) => {
      setTimeout(() => {
        order.push('request finished');
        res.end('done');
      }, 150);
    });
    // A keep-alive connection with no request on it must not hold the stop.
    await fetch(url);
    order.length = 0;

    const inFlight = fetch(url).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 30));
    const done = gracefulShutdown({
      server,
      logger: new RecordingLogger(),
      closers: [{ name: 'pool', close: async () => void order.push('pool closed') }],
    });
    expect(await inFlight).toBe('done');
    await done;
    expect(order).toEqual(['request finished', 'pool closed']);
    expect(server.listening).toBe(false);
    await expect(fetch(url)).rejects.toThrow();
  });

  it('cuts requests that outlive the drain period and bounds each closer', async () => {
    const { server, url } = await listen(() => undefined); // never answers
    const hung = fetch(url).catch((err: unknown) => err);
    await new Promise((r) => setTimeout(r, 30));
    const logger = new RecordingLogger();
    const started = Date.now();
    await gracefulShutdown({
      server,
      logger,
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
    expect(logger.at('warn')).toEqual([{ level: 'warn', msg: 'closing stuck failed', fields: { error: 'did not close within 100 ms' } }]);
  });

  it('closes the pools when the server never started (a signal during start-up)', async () => {
    const closed: string[] = [];
    await gracefulShutdown({ logger: new RecordingLogger(), closers: [{ name: 'pool', close: async () => void closed.push('pool') }] });
    expect(closed).toEqual(['pool']);
  });
});
