/**
 * @jest-environment node
 */
// The API client against a stub HTTP server (real fetch, real sockets).
import { reply, startStubApi, type StubApi } from '../testing/stub-api';
import { ApiClient, ApiError, errorFromResponse } from './api';
import { students, courses, ada, pageOf } from '../testing/fixtures';

let stub: StubApi;
const logs: string[] = [];
const client = (options: Partial<ConstructorParameters<typeof ApiClient>[0]> = {}) =>
  new ApiClient({ baseUrl: stub.baseUrl, retryDelayMs: 1, log: (m) => logs.push(m), ...options });

beforeEach(async () => {
  stub = await startStubApi();
  logs.length = 0;
});
afterEach(() => stub.close());

const caught = async (promise: Promise<unknown>): Promise<ApiError> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
};

describe('ApiClient: requests', () => {
  it('lists students with q, page and pageSize, sending a fresh traceparent, and keeps the answered x-trace-id', async () => {
    stub.handle((req, res) => reply(res, req, 200, pageOf(students, 2, 3, 7)));
    const api = client();
    const page = await api.listStudents({ q: 'ada lovelace', page: 2, pageSize: 3 });
    expect(page).toEqual({ items: students, page: 2, pageSize: 3, total: 7 });
    const [request] = stub.requests;
    expect(request.method).toBe('GET');
    expect(request.url).toBe('/api/students?q=ada+lovelace&page=2&pageSize=3');
    expect(request.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(api.lastTraceId).toBe(String(request.headers.traceparent).split('-')[1]);
  });

  it('leaves out empty query parameters', async () => {
    stub.handle((req, res) => reply(res, req, 200, req.url.startsWith('/api/courses') ? pageOf(courses) : pageOf(students)));
    await client().listCourses();
    await client().listStudents({ q: '' });
    expect(stub.requests.map((r) => r.url)).toEqual(['/api/courses', '/api/students']);
  });

  it('every call is a new trace', async () => {
    stub.handle((req, res) => reply(res, req, 200, ada));
    const api = client();
    await api.getStudent(1);
    const first = api.lastTraceId;
    await api.getStudent(1);
    expect(api.lastTraceId).not.toBe(first);
    expect(new Set(stub.requests.map((r) => r.headers.traceparent)).size).toBe(2);
  });

  it("shows the API's x-trace-id when it differs from ours, and ours when it sends none or a malformed one", async () => {
    const api = client();
    stub.handle((req, res) => reply(res, req, 200, ada, 'aaaabbbbccccddddeeeeffff00001111'));
    await api.getStudent(1);
    expect(api.lastTraceId).toBe('aaaabbbbccccddddeeeeffff00001111');
    stub.handle((req, res) => reply(res, req, 200, ada, ''));
    await api.getStudent(1);
    expect(api.lastTraceId).toBe(String(stub.requests[1].headers.traceparent).split('-')[1]);
    stub.handle((req, res) => reply(res, req, 200, ada, 'not-a-trace'));
    await api.getStudent(1);
    expect(api.lastTraceId).toBe(String(stub.requests[2].headers.traceparent).split('-')[1]);
  });

  it('enrolls with a JSON POST and unenrolls with a DELETE', async () => {
    stub.handle((req, res) => {
      if (req.method === 'POST') reply(res, req, 201, { studentId: 1, courseId: 10 });
      else {
        res.writeHead(204, { 'x-trace-id': '1234567890abcdef1234567890abcdef' });
        res.end();
      }
    });
    const api = client();
    await api.enroll(1, 10);
    await api.unenroll(1, 10);
    expect(stub.requests.map((r) => [r.method, r.url, r.headers['content-type'], r.body])).toEqual([
      ['POST', '/api/students/1/enrollments', 'application/json', '{"courseId":10}'],
      ['DELETE', '/api/students/1/enrollments/10', undefined, ''],
    ]);
    expect(api.lastTraceId).toBe('1234567890abcdef1234567890abcdef');
  });
});

describe('ApiClient: errors become readable messages', () => {
  it("a 404 carries the API's message, code and trace id", async () => {
    stub.handle((req, res) => reply(res, req, 404, { error: 'student_not_found', message: 'No student with id 9', traceId: 'x' }));
    const api = client();
    const error = await caught(api.getStudent(9));
    expect(error).toMatchObject({ status: 404, code: 'student_not_found', message: 'No student with id 9', retryable: false });
    expect(error.traceId).toBe(api.lastTraceId);
    expect(stub.requests).toHaveLength(1);
  });

  it('a 409 on enroll says why and is not retried', async () => {
    stub.handle((req, res) => reply(res, req, 409, { error: 'course_full', message: 'MA201 is full (2 of 2 seats taken)' }));
    const error = await caught(client().enroll(1, 11));
    expect(error).toMatchObject({ status: 409, code: 'course_full', message: 'MA201 is full (2 of 2 seats taken)' });
    expect(stub.requests).toHaveLength(1);
  });

  it('a GET answered 503 is retried, and succeeds once the API is back (a failover window)', async () => {
    let calls = 0;
    stub.handle((req, res) => (++calls < 3 ? reply(res, req, 503, { error: 'unavailable', message: 'database unavailable' }) : reply(res, req, 200, ada)));
    const sleeps: number[] = [];
    const api = client({ sleep: async (ms) => void sleeps.push(ms), retryDelayMs: 100 });
    await expect(api.getStudent(1)).resolves.toEqual(ada);
    expect(calls).toBe(3);
    expect(sleeps).toEqual([100, 200]);
    // One trace for the whole call, a new span per attempt.
    const parents = stub.requests.map((r) => String(r.headers.traceparent).split('-'));
    expect(new Set(parents.map((p) => p[1])).size).toBe(1);
    expect(new Set(parents.map((p) => p[2])).size).toBe(3);
  });

  it('a GET still answered 503 after the retries explains the failover', async () => {
    stub.handle((req, res) => reply(res, req, 503, { error: 'unavailable', message: 'connect ECONNREFUSED 10.0.0.5:5432' }));
    const error = await caught(client().listStudents());
    expect(error.status).toBe(503);
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/temporarily unavailable.*failover.*Try again in a moment/);
    // Internal details of a 5xx are not shown to the student.
    expect(error.message).not.toContain('10.0.0.5');
    expect(stub.requests).toHaveLength(3);
  });

  it('a POST answered 503 is not retried (it may have been applied)', async () => {
    stub.handle((req, res) => reply(res, req, 503, { error: 'unavailable', message: 'down' }));
    await caught(client().enroll(1, 10));
    expect(stub.requests).toHaveLength(1);
  });

  it('an unreachable API is said so, with the trace id we sent, and logged with the cause on the server', async () => {
    await stub.close();
    const api = client({ retries: 1 });
    const error = await caught(api.listCourses());
    expect(error).toMatchObject({ status: 0, code: 'unreachable', retryable: true });
    expect(error.message).toBe('The PAWS360 API is not reachable (it may be starting or restarting). Try again in a moment.');
    expect(error.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(api.lastTraceId).toBe(error.traceId);
    expect(logs).toHaveLength(2);
    expect(logs[0]).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/api\/courses got no answer \(trace [0-9a-f]{32}\).*ECONNREFUSED/);
    stub = await startStubApi();
  });

  it('an API that does not answer in time is a timeout', async () => {
    stub.handle(() => undefined);
    const error = await caught(client({ timeoutMs: 100, retries: 0 }).getStudent(1));
    expect(error).toMatchObject({ status: 0, code: 'timeout', message: 'The PAWS360 API did not answer within 0.1 s. Try again in a moment.' });
  });

  it('an answer of the wrong shape is an error, not a crash in the page', async () => {
    stub.handle((req, res) => reply(res, req, 200, [{ id: 1 }]));
    const error = await caught(client().listStudents());
    expect(error).toMatchObject({ code: 'bad_response', message: 'The PAWS360 API answered with data this page does not understand.' });
    expect(logs[0]).toMatch(/unexpected shape/);
  });

  it.each([
    [400, { error: 'validation', message: 'courseId must be a positive integer' }, 'courseId must be a positive integer'],
    [400, 'not json', 'The PAWS360 API rejected the request (HTTP 400).'],
    [404, {}, 'Not found.'],
    [500, { error: 'internal', message: 'TypeError at line 3' }, 'The PAWS360 API failed to answer this request (HTTP 500).'],
    [502, undefined, 'The PAWS360 API could not be reached through the gateway (HTTP 502). Try again in a moment.'],
  ])('HTTP %p %p → %p', (status, body, message) => {
    const error = errorFromResponse(status, body, 'abc');
    expect(error.message).toBe(message);
    expect(error.traceId).toBe('abc');
    expect(error.code).toBe(typeof body === 'object' && body && 'error' in body ? body.error : `http_${status}`);
  });
});
