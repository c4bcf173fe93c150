import { request as httpRequestRaw } from 'node:http';

/**
 * HTTP on ports published on 127.0.0.1: one place that turns the socket's
 * failures into errors naming the URL and the cause (ECONNREFUSED, a
 * timeout…), shared by every probe, simulation and reader.
 */

export interface HttpRequest {
  method?: 'GET' | 'POST';
  body?: unknown;
  timeoutMs?: number;
}

export interface HttpAnswer {
  url: string;
  status: number;
  ok: boolean;
  text: string;
}

/** A request's failure to get any answer: names the URL and the socket's error code (or the timeout). */
export class NoAnswerError extends Error {
  override name = 'NoAnswerError';
  constructor(
    readonly url: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`no answer from ${url} (${reason})`, options);
  }
}

/**
 * Any answer (whatever its status) from http://127.0.0.1:<port><path>; throws NoAnswerError when there is none.
 * node:http rather than fetch: a probe of the whole stack runs in a fresh process, where loading fetch (undici) costs about 40 ms.
 */
export function httpRequest(port: number, path: string, request: HttpRequest = {}): Promise<HttpAnswer> {
  const url = `http://127.0.0.1:${port}${path}`;
  const timeoutMs = request.timeoutMs ?? 1500;
  const body = request.body === undefined ? undefined : JSON.stringify(request.body);
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (reason: string, cause?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(new NoAnswerError(url, reason, { cause }));
    };
    // The whole exchange, body included, within timeoutMs.
    const timer = setTimeout(() => fail(`no complete answer within ${timeoutMs} ms`), timeoutMs);
    const req = httpRequestRaw(
      // agent: false: one connection per request, closed after it (no idle socket to be reset by the server, none keeping a process alive).
      { host: '127.0.0.1', port, path, agent: false, method: request.method ?? 'GET', headers: body === undefined ? undefined : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message, error));
        response.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const status = response.statusCode ?? 0;
          resolve({ url, status, ok: status >= 200 && status < 300, text: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message, error));
    req.end(body);
  });
}

/** The body of a 2xx answer; anything else throws, quoting the status and the first bytes of the body. */
export async function httpText(port: number, path: string, request: HttpRequest = {}): Promise<string> {
  const answer = await httpRequest(port, path, request);
  if (!answer.ok) throw new Error(`${answer.url} answered ${answer.status}: ${answer.text.slice(0, 200)}`);
  return answer.text;
}

/** A JSON request with a timeout; errors say which URL and why. */
export async function httpJson<T>(port: number, path: string, request: HttpRequest = {}): Promise<T> {
  const text = await httpText(port, path, request);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`http://127.0.0.1:${port}${path} answered with something that is not JSON: ${text.slice(0, 200)}`);
  }
}
