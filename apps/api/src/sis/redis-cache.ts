// Cache over ioredis. The client fails fast while disconnected (no offline
// queue, 1 s command timeout: src/redis.ts), so a Redis outage surfaces here
// as a rejected promise, which the service turns into a miss.
import type { Cache } from './cache';

/** The ioredis commands used (a fake in tests). */
export interface RedisCommands {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, mode: 'EX', seconds: number): Promise<unknown>;
  set(key: string, value: string, mode: 'NX'): Promise<unknown>;
  del(...keys: string[]): Promise<number>;
  incr(key: string): Promise<number>;
}

export class RedisCache implements Cache {
  constructor(private readonly redis: RedisCommands) {}

  get(key: string): Promise<string | null> {
    return this.redis.get(key);
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(key, value, 'EX', ttlSeconds);
  }

  async setIfAbsent(key: string, value: string): Promise<boolean> {
    return (await this.redis.set(key, value, 'NX')) === 'OK';
  }

  async del(keys: string[]): Promise<void> {
    if (keys.length > 0) await this.redis.del(...keys);
  }

  incr(key: string): Promise<number> {
    return this.redis.incr(key);
  }
}
