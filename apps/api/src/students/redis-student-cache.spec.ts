import { RedisStudentCache, type RedisCommands } from './redis-student-cache';
import type { Student } from './student';

/** The three commands over a Map, remembering each SET's TTL. */
class FakeRedis implements RedisCommands {
  readonly data = new Map<string, string>();
  readonly ttls = new Map<string, number>();
  async get(key: string) {
    return this.data.get(key) ?? null;
  }
  async set(key: string, value: string, mode: 'EX', seconds: number) {
    expect(mode).toBe('EX');
    this.data.set(key, value);
    this.ttls.set(key, seconds);
    return 'OK';
  }
  async del(key: string) {
    this.ttls.delete(key);
    return this.data.delete(key) ? 1 : 0;
  }
}

const ada: Student = { id: 3, studentNumber: 'S-3', name: 'Ada', email: 'ada@example.edu', enrolledAt: '2026-09-01T08:00:00.000Z' };

describe('RedisStudentCache', () => {
  it('stores JSON under student:<id> with the configured TTL and reads it back', async () => {
    const redis = new FakeRedis();
    const cache = new RedisStudentCache(redis, 60);
    expect(await cache.get(3)).toBeUndefined();
    await cache.set(ada);
    expect(JSON.parse(redis.data.get('student:3')!)).toEqual(ada);
    expect(redis.ttls.get('student:3')).toBe(60);
    expect(await cache.get(3)).toEqual(ada);
  });

  it('deletes the key on invalidation', async () => {
    const redis = new FakeRedis();
    const cache = new RedisStudentCache(redis, 60);
    await cache.set(ada);
    await cache.delete(3);
    expect(redis.data.has('student:3')).toBe(false);
    expect(await cache.get(3)).toBeUndefined();
  });

  it('treats unreadable or foreign entries as misses', async () => {
    const redis = new FakeRedis();
    const cache = new RedisStudentCache(redis, 60);
    redis.data.set('student:3', 'not json');
    expect(await cache.get(3)).toBeUndefined();
    redis.data.set('student:3', JSON.stringify({ id: 3, name: 'no other fields' }));
    expect(await cache.get(3)).toBeUndefined();
    redis.data.set('student:3', JSON.stringify({ ...ada, id: 4 }));
    expect(await cache.get(3)).toBeUndefined();
  });

  it('lets Redis errors propagate (the service decides to degrade)', async () => {
    const redis = new FakeRedis();
    redis.get = async () => {
      throw new Error('Connection is closed.');
    };
    await expect(new RedisStudentCache(redis, 60).get(1)).rejects.toThrow('Connection is closed.');
  });
});
