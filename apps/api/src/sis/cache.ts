// The cache the service reads through: Redis in production (RedisCache), a
// Map in the unit tests. Plain strings in, plain strings out; the key scheme
// and what to invalidate live in SisService, so they are tested once.

export interface Cache {
  /** null on a miss. */
  get(key: string): Promise<string | null>;
  /** SET key value EX ttlSeconds. */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** SET key value NX (no TTL): true when it was set. */
  setIfAbsent(key: string, value: string): Promise<boolean>;
  del(keys: string[]): Promise<void>;
  /** INCR: the new value. */
  incr(key: string): Promise<number>;
}

/**
 * Every key the API uses, in one place (README "How caching works").
 *   sis:student:<id>, sis:course:<id>             one entry per resource (detail view)
 *   sis:students:ver, sis:courses:ver             a collection's version, bumped on every write that changes its lists
 *   sis:students:v<ver>:p<page>:s<size>:q<q>      a list page of the collection at that version
 *   sis:courses:v<ver>:p<page>:s<size>
 */
export const cacheKeys = {
  student: (id: number) => `sis:student:${id}`,
  course: (id: number) => `sis:course:${id}`,
  version: (collection: Collection) => `sis:${collection}:ver`,
  studentPage: (version: string, page: number, pageSize: number, q: string | undefined) =>
    `sis:students:v${version}:p${page}:s${pageSize}:q${q === undefined ? '' : encodeURIComponent(q.toLowerCase())}`,
  coursePage: (version: string, page: number, pageSize: number) => `sis:courses:v${version}:p${page}:s${pageSize}`,
};

export type Collection = 'students' | 'courses';
