import { buildApp, type App } from './app';
import type { HealthReport } from './health';
import { createMetrics, type Metrics } from './metrics';
import { SisService } from './sis/service';
import { codedError, InMemoryCache, InMemorySisRepository, RecordingLogger } from './testing/fakes';
import { DependencyUnavailableError } from './errors';

const ada = { studentNumber: 'S-1001', name: 'Ada Lovelace', email: 'ada@example.edu' };
const alan = { studentNumber: 'S-1002', name: 'Alan Turing', email: 'alan@example.edu' };
const up: HealthReport = {
  status: 'UP',
  components: { db: { status: 'UP', details: { database: 'PostgreSQL' } }, cache: { status: 'UP', details: { master: 'mymaster' } } },
};

describe('the API (Fastify inject, in-memory repository and cache)', () => {
  let app: App;
  let repo: InMemorySisRepository;
  let cache: InMemoryCache;
  let log: RecordingLogger;
  let health: HealthReport;
  let metrics: Metrics;

  beforeEach(async () => {
    repo = new InMemorySisRepository();
    cache = new InMemoryCache();
    log = new RecordingLogger();
    health = up;
    metrics = createMetrics({ totalCount: 3, idleCount: 2, waitingCount: 0 });
    app = buildApp({
      sis: new SisService(repo, cache, 60, metrics.cache),
      health: async () => health,
      metrics,
      logger: log.logger,
      info: { name: 'paws360-api', version: '9.9.9', envKeys: ['PGHOST', 'REDIS_PASSWORD'] },
    });
    await app.ready();
  });

  afterEach(() => app.close());

  const post = (url: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    app.inject({ method: 'POST', url, headers, payload: typeof body === 'string' ? body : JSON.stringify(body) });
  const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });
  /** Ada (id 1) and Alan (id 2); the two courses get ids 1 and 2 in the order given. */
  const twoStudentsAndCourses = async (...courses: Array<{ code: string; title: string; credits: number; capacity: number }>) => {
    for (const course of courses) repo.addCourse(course);
    await post('/api/students', ada);
    await post('/api/students', alan);
  };

  describe('actuator', () => {
    it('GET /actuator/health is 200 UP with every component', async () => {
      const res = await get('/actuator/health');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.json()).toEqual(up);
    });

    it('GET /actuator/health (and /readyz) is 503 DOWN naming the failing component and why', async () => {
      health = {
        status: 'DOWN',
        components: { db: up.components.db, cache: { status: 'DOWN', error: 'not connected to the Redis master "mymaster"' } },
      };
      for (const path of ['/actuator/health', '/readyz']) {
        const res = await get(path);
        expect(res.statusCode).toBe(503);
        expect(res.json()).toMatchObject({ status: 'DOWN', components: { cache: { status: 'DOWN', error: expect.stringContaining('mymaster') } } });
      }
    });

    it('GET /healthz is liveness only: UP without touching a dependency', async () => {
      repo.failWith = new Error('db down');
      health = { status: 'DOWN', components: {} };
      const res = await get('/healthz');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: 'UP' });
      expect(repo.calls).toEqual([]);
    });

    it('GET /actuator/info names the app, Node and the config keys in use, never values', async () => {
      const res = await get('/actuator/info');
      expect(res.json()).toEqual({ app: { name: 'paws360-api', version: '9.9.9' }, node: process.version, env: ['PGHOST', 'REDIS_PASSWORD'] });
    });

    it('GET /metrics exposes the latency histogram by route pattern, the pool gauges, cache counters and process metrics', async () => {
      repo.addCourse({ code: 'CS-101', title: 'Programming', credits: 4, capacity: 2 });
      await post('/api/students', ada);
      await get('/api/students/1');
      await get('/api/students/1');
      await get('/api/students/77');
      await get('/nowhere');
      const res = await get('/metrics');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = res.body;
      expect(text).toMatch(/^http_request_duration_seconds_count\{method="GET",route="\/api\/students\/:id",status_code="200"\} 2$/m);
      expect(text).toMatch(/^http_request_duration_seconds_count\{method="GET",route="\/api\/students\/:id",status_code="404"\} 1$/m);
      expect(text).toMatch(/^http_request_duration_seconds_count\{method="POST",route="\/api\/students",status_code="201"\} 1$/m);
      expect(text).toMatch(/^http_request_duration_seconds_count\{method="GET",route="unmatched",status_code="404"\} 1$/m);
      expect(text).not.toContain('route="/api/students/1"');
      expect(text).toMatch(/^pg_pool_connections\{state="total"\} 3$/m);
      expect(text).toMatch(/^pg_pool_connections\{state="idle"\} 2$/m);
      expect(text).toMatch(/^pg_pool_connections\{state="in_use"\} 1$/m);
      expect(text).toMatch(/^pg_pool_waiting_clients 0$/m);
      expect(text).toMatch(/^cache_hits_total\{entity="student"\} 1$/m);
      expect(text).toMatch(/^cache_misses_total\{entity="student"\} 2$/m);
      expect(text).toMatch(/^process_cpu_user_seconds_total /m);
      expect(text).toMatch(/^nodejs_heap_size_used_bytes /m);
    });
  });

  describe('trace ids and logs', () => {
    it('takes the trace id from a valid traceparent: x-trace-id, a traceparent answer with our span, every log line of the request', async () => {
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      cache.failWith = new Error('Connection is closed.');
      await post('/api/students', ada);
      log.lines.length = 0;
      const res = await get('/api/students/1', { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-trace-id']).toBe(traceId);
      expect(res.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
      expect(res.headers.traceparent).not.toContain('00f067aa0ba902b7');
      // The cache failure (logged by the service) and the access line both carry it.
      expect(log.lines.map((l) => [l.msg, l.trace_id])).toEqual([
        ['cache read failed; reading from the database', traceId],
        ['cache write failed', traceId],
        ['request', traceId],
      ]);
    });

    it('generates a trace id when traceparent is missing or invalid', async () => {
      for (const traceparent of [undefined, 'garbage', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`, `ff-${'a'.repeat(32)}-00f067aa0ba902b7-01`]) {
        const res = await get('/healthz', traceparent ? { traceparent } : {});
        const id = res.headers['x-trace-id'] as string;
        expect(id).toMatch(/^[0-9a-f]{32}$/);
        expect(id).not.toBe('0'.repeat(32));
        expect(id).not.toBe('a'.repeat(32));
        expect(res.headers.traceparent).toMatch(new RegExp(`^00-${id}-[0-9a-f]{16}-01$`));
      }
      const a = await get('/healthz');
      const b = await get('/healthz');
      expect(a.headers['x-trace-id']).not.toBe(b.headers['x-trace-id']);
    });

    it('logs one line per request with method, route, status, duration_ms and trace_id; probes only at debug', async () => {
      await post('/api/students', ada);
      await get('/api/students/1');
      await get('/healthz');
      const requests = log.lines.filter((l) => l.msg === 'request');
      expect(requests).toHaveLength(3);
      expect(requests[1]).toMatchObject({
        level: 'info',
        method: 'GET',
        route: '/api/students/:id',
        url: '/api/students/1',
        status: 200,
        duration_ms: expect.any(Number),
        trace_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      });
      expect(requests[2]).toMatchObject({ level: 'debug', route: '/healthz' });
      // Fastify's own "incoming request" / "request completed" lines are off.
      expect(log.lines.filter((l) => /incoming request|request completed/.test(l.msg))).toEqual([]);
    });

    it('puts the trace id in error bodies too, 404s from the framework included', async () => {
      const res = await get('/nowhere', { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00' });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ error: 'not_found', message: 'no route for GET /nowhere', traceId: '4bf92f3577b34da6a3ce929d0e0e4736' });
      expect(res.headers.traceparent).toMatch(/-00$/);
    });
  });

  describe('students', () => {
    it('POST creates: 201, the trimmed record and its location', async () => {
      const res = await post('/api/students', { ...ada, name: '  Ada Lovelace  ' });
      expect(res.statusCode).toBe(201);
      expect(res.headers.location).toBe('/api/students/1');
      expect(res.json()).toEqual({ id: 1, ...ada });
    });

    it('POST answers 409 duplicate_student_number for a taken number', async () => {
      await post('/api/students', ada);
      const res = await post('/api/students', { ...alan, studentNumber: ada.studentNumber });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ error: 'duplicate_student_number', message: 'a student with studentNumber "S-1001" already exists' });
    });

    it('POST validation: 400 naming every bad field, unknown keys refused', async () => {
      const res = await post('/api/students', { studentNumber: 'S 1', name: '', email: 'nope', extra: 1 });
      expect(res.statusCode).toBe(400);
      const body = res.json();
      expect(body).toMatchObject({ error: 'validation_failed', traceId: res.headers['x-trace-id'] });
      expect(body.details).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ in: 'body', path: 'studentNumber', message: 'may contain only letters, digits and "-"' }),
          expect.objectContaining({ in: 'body', path: 'name', message: 'must not be empty' }),
          expect.objectContaining({ in: 'body', path: 'email', message: 'must be a valid email address' }),
          expect.objectContaining({ in: 'body', path: '', code: 'unrecognized_keys' }),
        ]),
      );
      expect(body.message).toContain('body.email: must be a valid email address');
      expect(repo.calls).toEqual([]);
    });

    it('the framework answers bad JSON 400, a non-JSON body 415, a body over 64 KiB 413, all in our error shape', async () => {
      const bad = await post('/api/students', '{"studentNumber":');
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ error: 'invalid_json', traceId: expect.any(String) });

      const text = await post('/api/students', 'studentNumber=S-1', { 'content-type': 'application/x-www-form-urlencoded' });
      expect(text.statusCode).toBe(415);
      expect(text.json()).toMatchObject({ error: 'unsupported_media_type', message: expect.any(String) });

      const big = await post('/api/students', { ...ada, name: 'x'.repeat(70 * 1024) });
      expect(big.statusCode).toBe(413);
      expect(big.json()).toMatchObject({ error: 'payload_too_large' });
      expect(repo.calls).toEqual([]);
    });

    it('GET /api/students pages, searches name/number/email case-insensitively, validates the query', async () => {
      for (let i = 1; i <= 25; i++) await post('/api/students', { studentNumber: `S-${i}`, name: `Student ${i}`, email: `s${i}@example.edu` });
      await post('/api/students', { studentNumber: 'X-1', name: 'Grace Hopper', email: 'grace@navy.mil' });

      const first = await get('/api/students');
      expect(first.json()).toMatchObject({ page: 1, pageSize: 20, total: 26 });
      expect(first.json().items).toHaveLength(20);
      expect(first.json().items[0]).toEqual({ id: 1, studentNumber: 'S-1', name: 'Student 1', email: 's1@example.edu' });

      const second = await get('/api/students?page=2&pageSize=20');
      expect(second.json().items.map((s: { id: number }) => s.id)).toEqual([21, 22, 23, 24, 25, 26]);

      expect((await get('/api/students?q=HOPPER')).json()).toMatchObject({ total: 1, items: [{ name: 'Grace Hopper' }] });
      expect((await get('/api/students?q=x-1')).json()).toMatchObject({ total: 1 });
      expect((await get('/api/students?q=NAVY.mil')).json()).toMatchObject({ total: 1 });

      for (const query of ['page=0', 'pageSize=101', 'page=abc', `q=${'x'.repeat(101)}`]) {
        const res = await get(`/api/students?${query}`);
        expect(res.statusCode).toBe(400);
        expect(res.json()).toMatchObject({ error: 'validation_failed', details: [expect.objectContaining({ in: 'querystring' })] });
      }
    });

    it('GET /api/students/:id returns the student with enrollments; 404 unknown; 400 not an id', async () => {
      repo.addCourse({ code: 'CS-101', title: 'Programming', credits: 4, capacity: 2 });
      await post('/api/students', ada);
      await post('/api/students/1/enrollments', { courseId: 1 });
      const res = await get('/api/students/1');
      expect(res.json()).toEqual({
        id: 1,
        ...ada,
        enrollments: [{ courseId: 1, code: 'CS-101', title: 'Programming', credits: 4, enrolledAt: '2026-09-01T08:00:00.000Z' }],
      });
      const missing = await get('/api/students/99');
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toMatchObject({ error: 'not_found', message: 'student 99 not found' });
      for (const id of ['0', 'abc', '1.5', '-1', '99999999999999999']) {
        const r = await get(`/api/students/${id}`);
        expect(r.statusCode).toBe(400);
        expect(r.json()).toMatchObject({ error: 'validation_failed', details: [expect.objectContaining({ in: 'params', path: 'id' })] });
      }
    });

    it('answers 503 with retry-after when the database is unavailable', async () => {
      repo.failWith = new DependencyUnavailableError('postgres', 'connect ECONNREFUSED');
      const res = await get('/api/students/1');
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.json()).toMatchObject({ error: 'db_unavailable' });
      expect(log.at('warn')[0]).toMatchObject({ msg: 'dependency unavailable', trace_id: res.headers['x-trace-id'] });
    });

    it('hides unexpected errors behind a 500 and logs them with the trace id', async () => {
      repo.failWith = codedError('relation "students" does not exist', '42P01');
      const res = await get('/api/students');
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({ error: 'internal_error', message: 'internal server error', traceId: res.headers['x-trace-id'] });
      expect(log.at('error')[0]).toMatchObject({ msg: 'request failed', error: 'relation "students" does not exist [42P01]', trace_id: res.headers['x-trace-id'] });
    });
  });

  describe('courses and enrollments', () => {
    beforeEach(() =>
      twoStudentsAndCourses({ code: 'MATH-101', title: 'Calculus', credits: 3, capacity: 1 }, { code: 'CS-101', title: 'Programming', credits: 4, capacity: 30 }),
    );

    it('GET /api/courses lists by code with the enrolled count, paged', async () => {
      await post('/api/students/1/enrollments', { courseId: 2 });
      const res = await get('/api/courses?pageSize=1');
      expect(res.json()).toEqual({
        items: [{ id: 2, code: 'CS-101', title: 'Programming', credits: 4, capacity: 30, enrolled: 1 }],
        page: 1,
        pageSize: 1,
        total: 2,
      });
    });

    it('GET /api/courses/:id has its students; 404 unknown', async () => {
      await post('/api/students/2/enrollments', { courseId: 2 });
      expect((await get('/api/courses/2')).json()).toMatchObject({
        code: 'CS-101',
        enrolled: 1,
        students: [{ id: 2, studentNumber: 'S-1002', name: 'Alan Turing', enrolledAt: '2026-09-01T08:00:00.000Z' }],
      });
      expect((await get('/api/courses/9')).statusCode).toBe(404);
    });

    it('POST enrollments: 201; 404 unknown student or course; 409 already enrolled or course full; 400 bad body', async () => {
      const created = await post('/api/students/1/enrollments', { courseId: 1 });
      expect(created.statusCode).toBe(201);
      expect(created.json()).toEqual({ studentId: 1, courseId: 1, code: 'MATH-101', title: 'Calculus', credits: 3, enrolledAt: '2026-09-01T08:00:00.000Z' });

      expect((await post('/api/students/1/enrollments', { courseId: 1 })).json()).toMatchObject({ error: 'already_enrolled' });
      const full = await post('/api/students/2/enrollments', { courseId: 1 });
      expect(full.statusCode).toBe(409);
      expect(full.json()).toMatchObject({ error: 'course_full' });

      const noStudent = await post('/api/students/9/enrollments', { courseId: 2 });
      expect(noStudent.statusCode).toBe(404);
      expect(noStudent.json().message).toBe('student 9 not found');
      expect((await post('/api/students/1/enrollments', { courseId: 9 })).json()).toMatchObject({ error: 'not_found', message: 'course 9 not found' });

      for (const body of [{}, { courseId: 'one' }, { courseId: 0 }, { courseId: 1, extra: true }]) {
        expect((await post('/api/students/1/enrollments', body)).statusCode).toBe(400);
      }
    });

    it('DELETE enrollments: 204, then 404', async () => {
      await post('/api/students/1/enrollments', { courseId: 2 });
      const removed = await app.inject({ method: 'DELETE', url: '/api/students/1/enrollments/2' });
      expect(removed.statusCode).toBe(204);
      expect(removed.body).toBe('');
      const again = await app.inject({ method: 'DELETE', url: '/api/students/1/enrollments/2' });
      expect(again.statusCode).toBe(404);
      expect(again.json()).toMatchObject({ error: 'not_found', message: 'student 1 is not enrolled in course 2' });
    });
  });

  describe('cache', () => {
    beforeEach(() =>
      twoStudentsAndCourses({ code: 'CS-101', title: 'Programming', credits: 4, capacity: 30 }, { code: 'MATH-101', title: 'Calculus', credits: 3, capacity: 30 }),
    );

    it('every read is a miss, then a hit served without the database, within the TTL', async () => {
      for (const url of ['/api/students/1', '/api/students?q=ada', '/api/courses', '/api/courses/1']) {
        const first = await get(url);
        expect([url, first.headers['x-cache']]).toEqual([url, 'miss']);
        const calls = repo.calls.length;
        const second = await get(url);
        expect([url, second.headers['x-cache']]).toEqual([url, 'hit']);
        expect(second.json()).toEqual(first.json());
        expect(repo.calls.length).toBe(calls);
      }
      expect([...cache.ttls.values()].every((ttl) => ttl === 60)).toBe(true);
      expect(cache.ttls.size).toBe(4);
    });

    it('a 404 is not cached', async () => {
      expect((await get('/api/students/99')).headers['x-cache']).toBeUndefined();
      expect(cache.entries.has('sis:student:99')).toBe(false);
    });

    it('enroll invalidates exactly that student, that course and the course lists; other entries stay hits', async () => {
      const warm = ['/api/students/1', '/api/students/2', '/api/courses/1', '/api/courses/2', '/api/courses', '/api/students'];
      for (const url of warm) await get(url);
      cache.commands.length = 0;

      expect((await post('/api/students/1/enrollments', { courseId: 1 })).statusCode).toBe(201);
      expect(cache.commands).toEqual(['del sis:student:1 sis:course:1', 'incr sis:courses:ver']);

      const outcome = async (url: string) => (await get(url)).headers['x-cache'];
      expect(await outcome('/api/students/1')).toBe('miss');
      expect(await outcome('/api/courses/1')).toBe('miss');
      expect(await outcome('/api/courses')).toBe('miss');
      expect(await outcome('/api/students/2')).toBe('hit');
      expect(await outcome('/api/courses/2')).toBe('hit');
      expect(await outcome('/api/students')).toBe('hit');
      // The fresh reads show the enrollment.
      expect((await get('/api/students/1')).json().enrollments).toHaveLength(1);
      expect((await get('/api/courses')).json().items.find((c: { id: number }) => c.id === 1).enrolled).toBe(1);
    });

    it('unenroll invalidates the same entries', async () => {
      await post('/api/students/1/enrollments', { courseId: 1 });
      for (const url of ['/api/students/1', '/api/courses/1', '/api/courses']) await get(url);
      cache.commands.length = 0;
      await app.inject({ method: 'DELETE', url: '/api/students/1/enrollments/1' });
      expect(cache.commands).toEqual(['del sis:student:1 sis:course:1', 'incr sis:courses:ver']);
      expect((await get('/api/students/1')).json().enrollments).toEqual([]);
    });

    it('creating a student moves the student lists to a new version and touches nothing else', async () => {
      await get('/api/students');
      await get('/api/courses');
      cache.commands.length = 0;
      await post('/api/students', { studentNumber: 'S-3', name: 'Grace Hopper', email: 'grace@example.edu' });
      expect(cache.commands).toEqual(['incr sis:students:ver']);
      const list = await get('/api/students');
      expect(list.headers['x-cache']).toBe('miss');
      expect(list.json().total).toBe(3);
      expect((await get('/api/courses')).headers['x-cache']).toBe('hit');
    });

    it('a failing cache never fails a request: reads go to the database, writes still succeed, errors are counted', async () => {
      cache.failWith = new Error('Connection is closed.');
      const read = await get('/api/students/1');
      expect(read.statusCode).toBe(200);
      expect(read.headers['x-cache']).toBe('miss');
      expect((await get('/api/students')).statusCode).toBe(200);
      const write = await post('/api/students/1/enrollments', { courseId: 1 });
      expect(write.statusCode).toBe(201);
      expect(log.at('error')).toEqual([
        expect.objectContaining({ msg: 'cache invalidation failed; stale entries may be served until their TTL ends', trace_id: write.headers['x-trace-id'] }),
      ]);
      const text = (await get('/metrics')).body;
      expect(text).toMatch(/^cache_errors_total\{operation="get"\} 2$/m);
      expect(text).toMatch(/^cache_errors_total\{operation="invalidate"\} 1$/m);
    });

    it('an unreadable or foreign entry is a miss', async () => {
      cache.entries.set('sis:student:1', 'not json');
      expect((await get('/api/students/1')).headers['x-cache']).toBe('miss');
      cache.entries.set('sis:student:1', JSON.stringify({ id: 1, name: 'missing fields' }));
      expect((await get('/api/students/1')).headers['x-cache']).toBe('miss');
      expect((await get('/api/students/1')).headers['x-cache']).toBe('hit');
    });
  });
});
