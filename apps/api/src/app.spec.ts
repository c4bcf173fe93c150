import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import { DependencyUnavailableError } from './errors';
import type { ReadinessReport } from './readiness';
import { StudentService } from './students/student-service';
import { codedError, InMemoryStudentCache, InMemoryStudentRepository, RecordingLogger } from './testing/fakes';

/** What the API answers, loosely: each test asserts the parts it cares about. */
interface ApiBody {
  error?: string;
  fieldErrors: Record<string, string[]>;
  formErrors: string[];
  name?: string;
}
const json = <T = ApiBody>(res: Response) => res.json() as Promise<T>;

const ada = { studentNumber: 'S-1001', name: 'Ada Lovelace', email: 'ada@example.edu' };
const alan = { studentNumber: 'S-1002', name: 'Alan Turing', email: 'alan@example.edu' };

describe('API routes (real HTTP, in-memory repository and cache)', () => {
  let server: Server;
  let base: string;
  let repo: InMemoryStudentRepository;
  let cache: InMemoryStudentCache;
  let logger: RecordingLogger;
  let readiness: ReadinessReport;

  beforeEach(async () => {
    repo = new InMemoryStudentRepository();
    cache = new InMemoryStudentCache();
    logger = new RecordingLogger();
    readiness = { ready: true, checks: { postgres: { status: 'ok' }, redis: { status: 'ok' } } };
    const app = createApp({ students: new StudentService(repo, cache, logger), readiness: async () => readiness, logger });
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const post = (body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(`${base}/api/students`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

  describe('probes', () => {
    it('GET /healthz is 200 {status:"ok"} without touching any dependency', async () => {
      repo.failWith = new Error('db down');
      const res = await fetch(`${base}/healthz`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(await json(res)).toEqual({ status: 'ok' });
      expect(repo.calls).toEqual([]);
    });

    it('GET /readyz is 200 with every check when ready', async () => {
      const res = await fetch(`${base}/readyz`);
      expect(res.status).toBe(200);
      expect(await json(res)).toEqual({ status: 'ready', checks: { postgres: { status: 'ok' }, redis: { status: 'ok' } } });
    });

    it('GET /readyz is 503 naming the failed dependency and why', async () => {
      readiness = {
        ready: false,
        checks: { postgres: { status: 'ok' }, redis: { status: 'fail', error: 'not connected to the master "mymaster"' } },
      };
      const res = await fetch(`${base}/readyz`);
      expect(res.status).toBe(503);
      expect(await json(res)).toEqual({
        status: 'unavailable',
        checks: { postgres: { status: 'ok' }, redis: { status: 'fail', error: 'not connected to the master "mymaster"' } },
      });
    });
  });

  describe('POST /api/students', () => {
    it('creates a student: 201, the stored record and its location', async () => {
      const res = await post({ ...ada, name: '  Ada Lovelace  ' });
      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toBe('/api/students/1');
      expect(await json(res)).toEqual({ id: 1, ...ada, enrolledAt: '2026-09-01T08:00:00.000Z' });
    });

    it('rejects an invalid body with 400 and an error per field', async () => {
      const res = await post({ studentNumber: '', email: 'not-an-email' });
      expect(res.status).toBe(400);
      const body = await json(res);
      expect(body.error).toBe('validation failed');
      expect(Object.keys(body.fieldErrors).sort()).toEqual(['email', 'name', 'studentNumber']);
      expect(body.fieldErrors.email).toEqual(['must be a valid email address']);
      expect(body.fieldErrors.studentNumber).toEqual(['must not be empty']);
      expect(body.fieldErrors.name[0]).toMatch(/name is required/);
      expect(repo.calls).toEqual([]);
    });

    it('rejects unknown fields and non-object bodies', async () => {
      const extra = await post({ ...ada, gpa: 4 });
      expect(extra.status).toBe(400);
      expect((await json(extra)).formErrors[0]).toMatch(/gpa/);

      const array = await post([ada]);
      expect(array.status).toBe(400);
      expect((await json(array)).formErrors).toHaveLength(1);
    });

    it('answers 400 for malformed JSON, 415 for a non-JSON content type, 413 for a huge body', async () => {
      const bad = await post('{"studentNumber":');
      expect(bad.status).toBe(400);
      expect((await json(bad)).error).toMatch(/not valid JSON/);

      const form = await post('studentNumber=S-1', { 'content-type': 'application/x-www-form-urlencoded' });
      expect(form.status).toBe(415);

      const huge = await post({ ...ada, name: 'x'.repeat(70 * 1024) });
      expect(huge.status).toBe(413);
      expect(repo.calls).toEqual([]);
    });

    it('answers 409 for a duplicate studentNumber', async () => {
      expect((await post(ada)).status).toBe(201);
      const res = await post({ ...alan, studentNumber: ada.studentNumber });
      expect(res.status).toBe(409);
      expect(await json(res)).toEqual({ error: 'a student with studentNumber "S-1001" already exists', studentNumber: 'S-1001' });
    });
  });

  describe('GET /api/students', () => {
    it('lists students ordered by id', async () => {
      expect(await (await fetch(`${base}/api/students`)).json()).toEqual([]);
      await post(alan);
      await post(ada);
      const res = await fetch(`${base}/api/students`);
      expect(res.status).toBe(200);
      const list = await json<Array<{ id: number; studentNumber: string }>>(res);
      expect(list.map((s) => [s.id, s.studentNumber])).toEqual([
        [1, 'S-1002'],
        [2, 'S-1001'],
      ]);
    });
  });

  describe('GET /api/students/:id (read-through cache)', () => {
    it('misses, fills the cache, then hits without the database', async () => {
      await post(ada);
      const first = await fetch(`${base}/api/students/1`);
      expect(first.status).toBe(200);
      expect(first.headers.get('x-cache')).toBe('miss');
      const fromDb = await first.json();
      expect(cache.entries.get(1)).toEqual(fromDb);

      repo.calls.length = 0;
      const second = await fetch(`${base}/api/students/1`);
      expect(second.status).toBe(200);
      expect(second.headers.get('x-cache')).toBe('hit');
      expect(await json(second)).toEqual(fromDb);
      expect(repo.calls).toEqual([]);
    });

    it('serves what the cache holds on a hit', async () => {
      cache.entries.set(7, { id: 7, studentNumber: 'S-7', name: 'Cached', email: 'c@example.edu', enrolledAt: '2026-01-01T00:00:00.000Z' });
      const res = await fetch(`${base}/api/students/7`);
      expect(res.headers.get('x-cache')).toBe('hit');
      expect((await json(res)).name).toBe('Cached');
    });

    it('is 404 (x-cache: miss) for an unknown id and caches nothing', async () => {
      const res = await fetch(`${base}/api/students/42`);
      expect(res.status).toBe(404);
      expect(res.headers.get('x-cache')).toBe('miss');
      expect(await json(res)).toEqual({ error: 'student 42 not found' });
      expect(cache.entries.size).toBe(0);
    });

    it('is 400 for an id that is not a positive integer', async () => {
      for (const id of ['abc', '0', '-1', '1.5', '01', '99999999999999999999']) {
        const res = await fetch(`${base}/api/students/${id}`);
        expect([id, res.status]).toEqual([id, 400]);
      }
      expect(repo.calls).toEqual([]);
    });

    it('falls back to the database when the cache is down', async () => {
      await post(ada);
      cache.failGet = new Error('Stream isn\'t writeable and enableOfflineQueue options is false');
      cache.failSet = cache.failGet;
      const res = await fetch(`${base}/api/students/1`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-cache')).toBe('miss');
      expect(logger.at('warn').map((l) => l.msg)).toEqual(['cache read failed; reading from the database', 'cache write failed']);
    });
  });

  describe('DELETE /api/students/:id', () => {
    it('deletes the row and invalidates the cache entry', async () => {
      await post(ada);
      await fetch(`${base}/api/students/1`); // cached now
      expect(cache.entries.has(1)).toBe(true);

      const res = await fetch(`${base}/api/students/1`, { method: 'DELETE' });
      expect(res.status).toBe(204);
      expect(await res.text()).toBe('');
      expect(cache.entries.has(1)).toBe(false);

      const after = await fetch(`${base}/api/students/1`);
      expect(after.status).toBe(404);
      expect(after.headers.get('x-cache')).toBe('miss');
    });

    it('is 404 for an unknown id, and still drops a stale cache entry', async () => {
      cache.entries.set(5, { id: 5, studentNumber: 'S-5', name: 'Stale', email: 's@example.edu', enrolledAt: '2026-01-01T00:00:00.000Z' });
      const res = await fetch(`${base}/api/students/5`, { method: 'DELETE' });
      expect(res.status).toBe(404);
      expect(cache.entries.has(5)).toBe(false);
    });

    it('still deletes (204) when invalidation fails, and logs it as an error', async () => {
      await post(ada);
      cache.failDelete = new Error('Connection is closed.');
      const res = await fetch(`${base}/api/students/1`, { method: 'DELETE' });
      expect(res.status).toBe(204);
      expect(logger.at('error')[0].msg).toMatch(/cache invalidation failed/);
    });
  });

  describe('errors', () => {
    it('is 404 JSON for an unknown route and 405 with Allow for a wrong method', async () => {
      const missing = await fetch(`${base}/api/teachers`);
      expect(missing.status).toBe(404);
      expect(await json(missing)).toEqual({ error: 'no route for GET /api/teachers' });

      const wrong = await fetch(`${base}/api/students/1`, { method: 'PUT' });
      expect(wrong.status).toBe(405);
      expect(wrong.headers.get('allow')).toBe('GET, DELETE');
    });

    it('maps a database outage to 503 with Retry-After', async () => {
      repo.failWith = new DependencyUnavailableError('postgres', 'connect ECONNREFUSED 10.0.0.5:5432');
      const res = await fetch(`${base}/api/students`);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(await json(res)).toEqual({ error: 'postgres is unavailable, retry shortly', dependency: 'postgres' });
    });

    it('hides unexpected errors behind a 500 and logs them', async () => {
      repo.failWith = codedError('relation "students" does not exist', '42P01');
      const res = await fetch(`${base}/api/students`);
      expect(res.status).toBe(500);
      expect(await json(res)).toEqual({ error: 'internal server error' });
      expect(logger.at('error')[0].fields?.error).toBe('relation "students" does not exist [42P01]');
    });
  });
});
