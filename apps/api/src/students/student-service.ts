// The students use cases: the repository is the truth, the cache only
// speeds up GET /api/students/:id. A cache that fails (Redis down, failing
// over) never fails a request: reads fall back to the database.
import { describeError } from '../errors';
import type { Logger } from '../logger';
import type { NewStudent, Student } from './student';
import type { StudentCache } from './student-cache';
import type { StudentRepository } from './student-repository';

export type CacheOutcome = 'hit' | 'miss';

export class StudentService {
  constructor(
    private readonly repository: StudentRepository,
    private readonly cache: StudentCache,
    private readonly logger: Logger,
  ) {}

  list(): Promise<Student[]> {
    return this.repository.list();
  }

  create(input: NewStudent): Promise<Student> {
    // Nothing to invalidate: a new id was never cached (404s are not cached).
    return this.repository.create(input);
  }

  /** Read-through: cache, else database (then cached for the TTL). */
  async get(id: number): Promise<{ student: Student | undefined; cache: CacheOutcome }> {
    try {
      const cached = await this.cache.get(id);
      if (cached) return { student: cached, cache: 'hit' };
    } catch (err) {
      this.logger.warn('cache read failed; reading from the database', { id, error: describeError(err) });
    }
    const student = await this.repository.findById(id);
    if (student) {
      try {
        await this.cache.set(student);
      } catch (err) {
        this.logger.warn('cache write failed', { id, error: describeError(err) });
      }
    }
    return { student, cache: 'miss' };
  }

  /** Deletes the row, then the cache entry (also when no row existed: a stale entry must not outlive it). */
  async delete(id: number): Promise<boolean> {
    const deleted = await this.repository.delete(id);
    try {
      await this.cache.delete(id);
    } catch (err) {
      // The row is gone; the entry expires within CACHE_TTL_SECONDS at the latest.
      this.logger.error('cache invalidation failed; a stale entry may be served until its TTL ends', {
        id,
        error: describeError(err),
      });
    }
    return deleted;
  }
}
