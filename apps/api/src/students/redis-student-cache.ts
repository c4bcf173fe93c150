// StudentCache over ioredis: JSON under `student:<id>` with a TTL
// (SET ... EX), so an entry that missed an invalidation still ages out.
import type { Student } from './student';
import { studentSchema } from './student';
import { studentCacheKey, type StudentCache } from './student-cache';

/** The ioredis commands used (a fake in tests). */
export interface RedisCommands {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, mode: 'EX', seconds: number): Promise<unknown>;
  del(key: string): Promise<number>;
}

export class RedisStudentCache implements StudentCache {
  constructor(
    private readonly redis: RedisCommands,
    private readonly ttlSeconds: number,
  ) {}

  async get(id: number): Promise<Student | undefined> {
    const raw = await this.redis.get(studentCacheKey(id));
    if (raw === null) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return undefined;
    }
    const parsed = studentSchema.safeParse(value);
    return parsed.success && parsed.data.id === id ? parsed.data : undefined;
  }

  async set(student: Student): Promise<void> {
    await this.redis.set(studentCacheKey(student.id), JSON.stringify(student), 'EX', this.ttlSeconds);
  }

  async delete(id: number): Promise<void> {
    await this.redis.del(studentCacheKey(id));
  }
}
