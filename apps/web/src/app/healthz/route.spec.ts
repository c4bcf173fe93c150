/**
 * @jest-environment node
 */
import { GET } from './route';

describe('/healthz', () => {
  it('answers 200 {"status":"ok"}, uncached, without calling the API', async () => {
    const fetch = jest.spyOn(globalThis, 'fetch');
    const response = GET();
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ status: 'ok' });
    expect(fetch).not.toHaveBeenCalled();
  });
});
