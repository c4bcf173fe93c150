// The SIS use cases. PostgreSQL (the repository) is the truth; Redis (the
// cache) speeds up every read with a TTL. Writes invalidate exactly what they
// change (README "How caching works"). A cache that fails (Redis down or
// failing over) never fails a request: reads fall back to the database,
// failed writes to the cache are logged (with the request's trace id, since
// `log` is the request's logger) and counted.
import type { z } from 'zod';
import { describeError, NotFoundError } from '../errors';
import type { Logger } from '../logger';
import { type Cache, cacheKeys, type Collection } from './cache';
import {
  type Course,
  type CourseDetail,
  courseDetailSchema,
  coursePageSchema,
  type Enrollment,
  type NewStudent,
  type Page,
  type PageQuery,
  type Student,
  type StudentDetail,
  studentDetailSchema,
  type StudentListQuery,
  studentPageSchema,
} from './model';
import type { SisRepository } from './repository';

export type CacheOutcome = 'hit' | 'miss';

export interface Cached<T> {
  value: T;
  cache: CacheOutcome;
}

/** Counters for /metrics (src/metrics.ts); a no-op in tests that do not look. */
export interface CacheStats {
  hit(entity: string): void;
  miss(entity: string): void;
  error(operation: 'get' | 'set' | 'invalidate'): void;
}

export const noCacheStats: CacheStats = { hit: () => undefined, miss: () => undefined, error: () => undefined };

export class SisService {
  constructor(
    private readonly repository: SisRepository,
    private readonly cache: Cache,
    private readonly ttlSeconds: number,
    private readonly stats: CacheStats = noCacheStats,
  ) {}

  listStudents(query: StudentListQuery, log: Logger): Promise<Cached<Page<Student>>> {
    return this.list('students', (v) => cacheKeys.studentPage(v, query.page, query.pageSize, query.q), studentPageSchema, () => this.repository.listStudents(query), log);
  }

  getStudent(id: number, log: Logger): Promise<Cached<StudentDetail>> {
    return this.detail('student', cacheKeys.student(id), studentDetailSchema, () => this.repository.getStudent(id), `student ${id} not found`, log);
  }

  listCourses(query: PageQuery, log: Logger): Promise<Cached<Page<Course>>> {
    return this.list('courses', (v) => cacheKeys.coursePage(v, query.page, query.pageSize), coursePageSchema, () => this.repository.listCourses(query), log);
  }

  getCourse(id: number, log: Logger): Promise<Cached<CourseDetail>> {
    return this.detail('course', cacheKeys.course(id), courseDetailSchema, () => this.repository.getCourse(id), `course ${id} not found`, log);
  }

  /** A new student appears in student list pages (and totals): those move to a new version. No detail entry can exist yet. */
  async createStudent(input: NewStudent, log: Logger): Promise<Student> {
    const student = await this.repository.createStudent(input);
    await this.invalidate({ bump: ['students'] }, log);
    return student;
  }

  /**
   * Changes the student's enrollments, the course's students and its `enrolled`
   * count, which course list pages show. Student list pages do not show
   * enrollments, so they stay.
   */
  async enroll(studentId: number, courseId: number, log: Logger): Promise<Enrollment> {
    const enrollment = await this.repository.enroll(studentId, courseId);
    await this.invalidate({ keys: [cacheKeys.student(studentId), cacheKeys.course(courseId)], bump: ['courses'] }, log);
    return enrollment;
  }

  async unenroll(studentId: number, courseId: number, log: Logger): Promise<void> {
    const removed = await this.repository.unenroll(studentId, courseId);
    if (!removed) throw new NotFoundError(`student ${studentId} is not enrolled in course ${courseId}`);
    await this.invalidate({ keys: [cacheKeys.student(studentId), cacheKeys.course(courseId)], bump: ['courses'] }, log);
  }

  /**
   * A collection's current version: part of its list keys, so a write that
   * bumps it makes every cached page of it unreachable at once (they expire by
   * TTL). A missing version (fresh or flushed Redis) starts at the current
   * time in ms, never at a number an older page could still be stored under.
   */
  private async version(collection: Collection): Promise<string> {
    const key = cacheKeys.version(collection);
    const current = await this.cache.get(key);
    if (current !== null) return current;
    await this.cache.setIfAbsent(key, String(Date.now()));
    const now = await this.cache.get(key);
    if (now === null) throw new Error(`${key} vanished right after it was set`);
    return now;
  }

  /** A list page, read through a key that contains the collection's current version. */
  private async list<T>(
    collection: Collection,
    keyAt: (version: string) => string,
    schema: z.ZodType<Page<T>>,
    load: () => Promise<Page<T>>,
    log: Logger,
  ): Promise<Cached<Page<T>>> {
    const found = await this.readThrough(`${collection}_page`, async () => keyAt(await this.version(collection)), schema, load, log);
    return { value: found.value as Page<T>, cache: found.cache };
  }

  /** One resource by id, read through its own key; NotFoundError (never cached) when it does not exist. */
  private async detail<T>(
    entity: string,
    key: string,
    schema: z.ZodType<T>,
    load: () => Promise<T | undefined>,
    notFound: string,
    log: Logger,
  ): Promise<Cached<T>> {
    const found = await this.readThrough(entity, async () => key, schema, load, log);
    if (found.value === undefined) throw new NotFoundError(notFound);
    return { value: found.value, cache: found.cache };
  }

  private async readThrough<T>(
    entity: string,
    keyOf: () => Promise<string>,
    schema: z.ZodType<T>,
    load: () => Promise<T | undefined>,
    log: Logger,
  ): Promise<{ value: T | undefined; cache: CacheOutcome }> {
    let key: string | undefined;
    try {
      key = await keyOf();
      const raw = await this.cache.get(key);
      if (raw !== null) {
        const parsed = schema.safeParse(JSON.parse(raw));
        if (parsed.success) {
          this.stats.hit(entity);
          return { value: parsed.data, cache: 'hit' };
        }
        log.warn({ key }, 'unreadable cache entry; reading from the database');
      }
    } catch (err) {
      this.stats.error('get');
      log.warn({ key, error: describeError(err) }, 'cache read failed; reading from the database');
    }
    this.stats.miss(entity);
    const value = await load();
    // 404s are not cached; neither is anything when the key could not even be made (Redis down).
    if (value !== undefined && key !== undefined) {
      try {
        await this.cache.set(key, JSON.stringify(value), this.ttlSeconds);
      } catch (err) {
        this.stats.error('set');
        log.warn({ key, error: describeError(err) }, 'cache write failed');
      }
    }
    return { value, cache: 'miss' };
  }

  private async invalidate({ keys = [], bump = [] }: { keys?: string[]; bump?: Collection[] }, log: Logger): Promise<void> {
    try {
      await Promise.all([...(keys.length > 0 ? [this.cache.del(keys)] : []), ...bump.map((c) => this.cache.incr(cacheKeys.version(c)))]);
    } catch (err) {
      // The write is done; what it changed may be served stale until the TTL ends.
      this.stats.error('invalidate');
      log.error(
        { keys, bump: bump.map((c) => cacheKeys.version(c)), error: describeError(err), staleForAtMostSeconds: this.ttlSeconds },
        'cache invalidation failed; stale entries may be served until their TTL ends',
      );
    }
  }
}
