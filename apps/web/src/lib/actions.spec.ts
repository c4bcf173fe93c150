/**
 * @jest-environment node
 */
// The enroll/unenroll Server Actions against a stub API.
import { reply, startStubApi, type StubApi } from '../testing/stub-api';
import { IDLE } from './action-state';

const refresh = jest.fn();
jest.mock('next/cache', () => ({ refresh: () => refresh() }));

import { enrollAction, unenrollAction } from './actions';

let stub: StubApi;
const savedUrl = process.env.API_URL;
beforeEach(async () => {
  stub = await startStubApi();
  process.env.API_URL = stub.baseUrl;
  refresh.mockClear();
});
afterEach(async () => {
  await stub.close();
  if (savedUrl === undefined) delete process.env.API_URL;
  else process.env.API_URL = savedUrl;
});

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
};

describe('enrollAction', () => {
  it('posts the course to the API at API_URL, refreshes the page and says so with the trace id', async () => {
    stub.handle((req, res) => reply(res, req, 201, {}));
    const state = await enrollAction(7, IDLE, form({ courseId: '12' }));
    expect(stub.requests.map((r) => [r.method, r.url, r.body])).toEqual([['POST', '/api/students/7/enrollments', '{"courseId":12}']]);
    expect(state).toEqual({ status: 'ok', message: 'Enrolled.', traceId: String(stub.requests[0].headers.traceparent).split('-')[1] });
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it("passes on the API's reason for a 409 and does not refresh", async () => {
    stub.handle((req, res) => reply(res, req, 409, { error: 'already_enrolled', message: 'Already enrolled in CS101' }));
    const state = await enrollAction(7, IDLE, form({ courseId: '10' }));
    expect(state).toMatchObject({ status: 'error', message: 'Already enrolled in CS101', traceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(refresh).not.toHaveBeenCalled();
  });

  it('asks for a course when none (or garbage) was chosen, without calling the API', async () => {
    for (const courseId of ['', 'abc', '-1', '0']) {
      expect(await enrollAction(7, IDLE, form({ courseId }))).toEqual({ status: 'error', message: 'Choose a course to enroll in.' });
    }
    expect(stub.requests).toHaveLength(0);
  });

  it('an unreachable API is a readable message', async () => {
    await stub.close();
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const state = await enrollAction(7, IDLE, form({ courseId: '10' }));
    expect(state.status).toBe('error');
    expect(state.message).toMatch(/not reachable/);
    // The web server's log has the details (address and cause); the page does not.
    expect(String(logged.mock.calls[0][0])).toMatch(/POST http:\/\/127\.0\.0\.1:\d+\/api\/students\/7\/enrollments got no answer.*ECONNREFUSED/);
    expect(state.message).not.toContain('127.0.0.1');
    logged.mockRestore();
    stub = await startStubApi();
  });

  it('a bad API_URL is named, not a crash', async () => {
    process.env.API_URL = 'api-1:8080';
    const state = await enrollAction(7, IDLE, form({ courseId: '10' }));
    expect(state).toEqual({ status: 'error', message: expect.stringMatching(/^API_URL must be an http\(s\) URL/) });
  });
});

describe('unenrollAction', () => {
  it('deletes the enrollment and refreshes', async () => {
    stub.handle((req, res) => {
      res.writeHead(204);
      res.end();
    });
    const state = await unenrollAction(7, 10, IDLE, form({}));
    expect(stub.requests.map((r) => [r.method, r.url])).toEqual([['DELETE', '/api/students/7/enrollments/10']]);
    expect(state.status).toBe('ok');
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('a 404 (already removed) is said in words', async () => {
    stub.handle((req, res) => reply(res, req, 404, { error: 'enrollment_not_found', message: 'Not enrolled in course 10' }));
    expect(await unenrollAction(7, 10, IDLE, form({}))).toMatchObject({ status: 'error', message: 'Not enrolled in course 10' });
  });
});
