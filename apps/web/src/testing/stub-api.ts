// A stub of the PAWS360 API for unit tests: a real HTTP server on a random
// loopback port whose answers each test scripts, recording every request.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type StubHandler = (request: RecordedRequest, response: ServerResponse) => void;

export interface StubApi {
  baseUrl: string;
  requests: RecordedRequest[];
  /** Answers the next requests with `handler` (until replaced). */
  handle(handler: StubHandler): void;
  close(): Promise<void>;
}

/** JSON answer with the API's headers: x-trace-id echoes the traceparent's trace id unless `traceId` is given. */
export function reply(response: ServerResponse, request: RecordedRequest, status: number, body?: unknown, traceId?: string) {
  const sent = /^00-([0-9a-f]{32})-/.exec(String(request.headers.traceparent ?? ''))?.[1];
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (traceId !== '' && (traceId ?? sent)) headers['x-trace-id'] = (traceId ?? sent)!;
  response.writeHead(status, headers);
  response.end(body === undefined ? undefined : JSON.stringify(body));
}

export async function startStubApi(): Promise<StubApi> {
  const requests: RecordedRequest[] = [];
  let handler: StubHandler = (request, response) => reply(response, request, 404, { error: 'not_found', message: 'no handler' });
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      requests.push(recorded);
      handler(recorded, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    handle: (next) => (handler = next),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
