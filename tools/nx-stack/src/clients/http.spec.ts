import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpJson } from './http';

describe('httpJson (against a local server)', () => {
  let server: Server;
  let port: number;
  const seen: Array<{ method?: string; url?: string; type?: string; body: string }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, type: req.headers['content-type'], body });
        if (req.url === '/ok') return res.end(JSON.stringify({ fine: true }));
        if (req.url === '/echo') return res.end(body);
        if (req.url === '/text') return res.end('<html>not json</html>');
        if (req.url === '/slow') return setTimeout(() => res.end('{}'), 300);
        res.writeHead(500);
        res.end('boom '.repeat(100));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('GETs and parses JSON', async () => {
    expect(await httpJson(port, '/ok')).toEqual({ fine: true });
    expect(seen.at(-1)).toMatchObject({ method: 'GET', url: '/ok', body: '' });
  });

  it('POSTs a JSON body with its content type', async () => {
    expect(await httpJson(port, '/echo', { method: 'POST', body: { key: 'AA==' } })).toEqual({ key: 'AA==' });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', type: 'application/json', body: '{"key":"AA=="}' });
  });

  it('a non-2xx answer names the URL, the status and the start of the body', async () => {
    const error = await httpJson(port, '/fail').catch((e: Error) => e.message);
    expect(error).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/fail answered 500: boom`));
    expect((error as string).length).toBeLessThan(300);
  });

  it('an answer that is not JSON says so', async () => {
    await expect(httpJson(port, '/text')).rejects.toThrow(`http://127.0.0.1:${port}/text answered with something that is not JSON: <html>`);
  });

  it('a timeout names the URL', async () => {
    await expect(httpJson(port, '/slow', { timeoutMs: 50 })).rejects.toThrow(new RegExp(`^no answer from http://127\\.0\\.0\\.1:${port}/slow`));
  });

  it('nothing listening: no answer, with the socket error code', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(httpJson(freePort, '/health')).rejects.toThrow(`no answer from http://127.0.0.1:${freePort}/health (ECONNREFUSED)`);
  });
});
