import { InFlight } from './in-flight';

describe('InFlight', () => {
  it('a call with the key of one in flight gets its promise; after it settled, a new call starts', async () => {
    const shared = new InFlight<number>();
    let started = 0;
    const start = () => new Promise<number>((resolve) => setTimeout(() => resolve(++started), 5));
    const [a, b] = await Promise.all([shared.run('k', start), shared.run('k', start)]);
    expect([a, b, started]).toEqual([1, 1, 1]);
    expect(await shared.run('k', start)).toBe(2);
    // Another key is another call.
    const [c, d] = await Promise.all([shared.run('x', start), shared.run('y', start)]);
    expect([c, d].sort()).toEqual([3, 4]);
  });

  it('a failure reaches every caller that joined it, and is forgotten too', async () => {
    const shared = new InFlight<void>();
    let calls = 0;
    const failing = () => new Promise<void>((_, reject) => setTimeout(() => reject(new Error(`failed ${++calls}`)), 5));
    const results = await Promise.allSettled([shared.run('k', failing), shared.run('k', failing)]);
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'ok'))).toEqual(['failed 1', 'failed 1']);
    await expect(shared.run('k', async () => undefined)).resolves.toBeUndefined();
  });
});
