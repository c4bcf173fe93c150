/** A JSON request to a port published on 127.0.0.1, with a timeout; errors say which URL and why. */
export async function httpJson<T>(
  port: number,
  path: string,
  options: { method?: 'GET' | 'POST'; body?: unknown; timeoutMs?: number } = {},
): Promise<T> {
  const url = `http://127.0.0.1:${port}${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: options.method ?? 'GET',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      headers: options.body === undefined ? undefined : { 'content-type': 'application/json' },
      signal: AbortSignal.timeout(options.timeoutMs ?? 1500),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`no answer from ${url} (${cause?.code ?? cause?.message ?? (error as Error).message})`);
  }
  const text = await response.text();
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${text.slice(0, 200)}`);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`${url} answered with something that is not JSON: ${text.slice(0, 200)}`);
  }
}
