// The read-through cache of single students: Redis in production
// (RedisStudentCache), an in-memory fake in the unit tests.
import type { Student } from './student';

export interface StudentCache {
  /** undefined on a miss (including an unreadable entry). */
  get(id: number): Promise<Student | undefined>;
  /** Stores the student for the configured TTL. */
  set(student: Student): Promise<void>;
  delete(id: number): Promise<void>;
}

export const studentCacheKey = (id: number): string => `student:${id}`;
