import { RedisCache, type RedisCommands } from './redis-cache';

/** The commands over a Map, remembering each SET's TTL. */
class FakeRedis implements RedisCommands {
  readonly data = new Map<string, string>();
  readonly ttls = new Map<string, number>();
  async get(key: string) {
    return this.data.get(key) ?? null;
  }
  async set(key: string, value: string, mode: 'EX' | 'NX', seconds?: number): Promise<unknown> {
    if (mode === 'NX') {
      if (this.data.has(key)) return null;
      this.data.set(key, value);
      return 'OK';
    }
    this.data.set(key, value);
    this.ttls.set(key, seconds!);
    return 'OK';
  }
  async del(...keys: string[]) {
    let n = 0;
    for (const key of keys) if (this.data.delete(key)) n++;
    return n;
  }
  async incr(key: string) {
    const next = Number(this.data.get(key) ?? 0) + 1;
    this.data.set(key, String(next));
    return next;
  }
}

describe('RedisCache', () => {
  it('SETs with EX ttl and GETs back', async () => {
    const redis = new FakeRedis();
    const cache = new RedisCache(redis);
    expect(await cache.get('k')).toBeNull();
    await cache.set('k', '{"a":1}', 60);
    expect(redis.ttls.get('k')).toBe(60);
    expect(await cache.get('k')).toBe('{"a":1}');
  });

  it('SET NX reports whether it set; DEL takes several keys and skips an empty list; INCR counts', async () => {
    const redis = new FakeRedis();
    const cache = new RedisCache(redis);
    expect(await cache.setIfAbsent('v', '100')).toBe(true);
    expect(await cache.setIfAbsent('v', '200')).toBe(false);
    expect(await cache.incr('v')).toBe(101);
    await cache.set('a', '1', 5);
    await cache.set('b', '2', 5);
    await cache.del(['a', 'b']);
    await cache.del([]);
    expect([...redis.data.keys()]).toEqual(['v']);
  });

  it('lets Redis errors propagate (the service decides to degrade)', async () => {
    const redis = new FakeRedis();
    redis.get = async () => {
      throw new Error('Connection is closed.');
    };
    await expect(new RedisCache(redis).get('k')).rejects.toThrow('Connection is closed.');
  });
});
