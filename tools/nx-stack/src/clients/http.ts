/**
 * HTTP on ports published on 127.0.0.1: one place that turns fetch's
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

/** A request's failure to get any answer: names the URL and fetch's underlying cause. */
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

const reasonOf = (error: unknown) => {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
};

/** Any answer (whatever its status) from http://127.0.0.1:<port><path>; throws NoAnswerError when there is none. */
export async function httpRequest(port: number, path: string, request: HttpRequest = {}): Promise<HttpAnswer> {
  const url = `http://127.0.0.1:${port}${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: request.method ?? 'GET',
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      headers: request.body === undefined ? undefined : { 'content-type': 'application/json' },
      signal: AbortSignal.timeout(request.timeoutMs ?? 1500),
    });
  } catch (error) {
    throw new NoAnswerError(url, reasonOf(error), { cause: error });
  }
  return { url, status: response.status, ok: response.ok, text: await response.text() };
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
