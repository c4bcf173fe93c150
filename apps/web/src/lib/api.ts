// The PAWS360 API client, used only on the web server (Server Components,
// Server Actions): the browser never talks to the API. Every call sends a
// fresh W3C `traceparent`; the API's `x-trace-id` answer (or ours, when it
// sent none) is kept as `lastTraceId` for the footer. Failures become an
// ApiError whose message a student can read.
import { z } from 'zod';
import { TRACE_ID, newTraceContext } from './traceparent';

export const studentSummary = z.object({
  id: z.number().int(),
  studentNumber: z.string(),
  name: z.string(),
  email: z.string(),
});
export const enrollment = z.object({
  courseId: z.number().int(),
  code: z.string(),
  title: z.string(),
  credits: z.number(),
  enrolledAt: z.string(),
});
export const studentDetail = studentSummary.extend({ enrollments: z.array(enrollment) });
export const course = z.object({
  id: z.number().int(),
  code: z.string(),
  title: z.string(),
  credits: z.number(),
  capacity: z.number().int(),
  enrolled: z.number().int(),
});
const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), page: z.number().int(), pageSize: z.number().int(), total: z.number().int() });
const studentPage = page(studentSummary);
const coursePage = page(course);

export type StudentSummary = z.infer<typeof studentSummary>;
export type Enrollment = z.infer<typeof enrollment>;
export type StudentDetail = z.infer<typeof studentDetail>;
export type Course = z.infer<typeof course>;
export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

/** An API call that did not succeed, with a message fit for the page. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    message: string,
    /** The HTTP status, or 0 when no answer came (unreachable, timed out). */
    readonly status: number,
    /** The API's `error` code, or ours: unreachable, timeout, bad_response, http_<status>. */
    readonly code: string,
    /** The trace id of the failed call. */
    readonly traceId: string,
    /** Worth another try in a moment (no answer, 502/503/504). */
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

const TRY_AGAIN = 'Try again in a moment.';
const RETRYABLE_STATUS = new Set([502, 503, 504]);

/** The readable message for an error answer; the API's own message wins for 4xx. */
export function errorFromResponse(status: number, body: unknown, traceId: string): ApiError {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const apiMessage = typeof fields.message === 'string' && fields.message.trim() ? fields.message.trim() : undefined;
  const code = typeof fields.error === 'string' && fields.error ? fields.error : `http_${status}`;
  let message: string;
  if (status === 503) {
    message = `The PAWS360 API is temporarily unavailable (a database or cache failover may be in progress). ${TRY_AGAIN}`;
  } else if (status === 502 || status === 504) {
    message = `The PAWS360 API could not be reached through the gateway (HTTP ${status}). ${TRY_AGAIN}`;
  } else if (status >= 500) {
    message = `The PAWS360 API failed to answer this request (HTTP ${status}).`;
  } else if (status === 404) {
    message = apiMessage ?? 'Not found.';
  } else {
    message = apiMessage ?? `The PAWS360 API rejected the request (HTTP ${status}).`;
  }
  return new ApiError(message, status, code, traceId, RETRYABLE_STATUS.has(status));
}

/** The ApiError for a call that got no answer at all. */
export function errorFromFailure(error: unknown, traceId: string, timeoutMs: number): ApiError {
  // Duck-typed: the abort is a DOMException, not always an Error of this realm.
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  const timedOut = name === 'TimeoutError' || name === 'AbortError';
  return timedOut
    ? new ApiError(`The PAWS360 API did not answer within ${timeoutMs / 1000} s. ${TRY_AGAIN}`, 0, 'timeout', traceId, true)
    : new ApiError(`The PAWS360 API is not reachable (it may be starting or restarting). ${TRY_AGAIN}`, 0, 'unreachable', traceId, true);
}

export interface ApiClientOptions {
  baseUrl: string;
  fetch?: typeof fetch;
  /** Per attempt. Default 5 s. */
  timeoutMs?: number;
  /** Extra attempts of a GET that got no answer or a 502/503/504. Default 2. */
  retries?: number;
  /** Back-off before retry n is n × this. Default 300 ms. */
  retryDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Where unexpected failures are logged (server side). Default console.error. */
  log?: (message: string) => void;
}

interface ListQuery {
  page?: number;
  pageSize?: number;
}

export class ApiClient {
  /** The trace id of the last call that ended (answered or failed). */
  lastTraceId: string | undefined;
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly log: (message: string) => void;

  constructor(private readonly options: ApiClientOptions) {
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.retries = options.retries ?? 2;
    this.retryDelayMs = options.retryDelayMs ?? 300;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.log = options.log ?? ((message) => console.error(message));
  }

  listStudents(query: ListQuery & { q?: string } = {}): Promise<Page<StudentSummary>> {
    return this.get(`/api/students${search({ q: query.q, page: query.page, pageSize: query.pageSize })}`, studentPage);
  }

  getStudent(id: number): Promise<StudentDetail> {
    return this.get(`/api/students/${id}`, studentDetail);
  }

  listCourses(query: ListQuery = {}): Promise<Page<Course>> {
    return this.get(`/api/courses${search({ page: query.page, pageSize: query.pageSize })}`, coursePage);
  }

  getCourse(id: number): Promise<Course> {
    return this.get(`/api/courses/${id}`, course);
  }

  async enroll(studentId: number, courseId: number): Promise<void> {
    await this.call('POST', `/api/students/${studentId}/enrollments`, { courseId });
  }

  async unenroll(studentId: number, courseId: number): Promise<void> {
    await this.call('DELETE', `/api/students/${studentId}/enrollments/${courseId}`);
  }

  private async get<T>(path: string, schema: z.ZodType<T>): Promise<T> {
    const { body, traceId } = await this.call('GET', path);
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      this.log(`paws360-web: GET ${path} answered an unexpected shape (trace ${traceId}): ${parsed.error.message}`);
      throw new ApiError('The PAWS360 API answered with data this page does not understand.', 200, 'bad_response', traceId, false);
    }
    return parsed.data;
  }

  /** One logical call: a trace of its own, retried (GET only) on no answer or 502/503/504. */
  private async call(method: string, path: string, json?: unknown): Promise<{ body: unknown; traceId: string }> {
    const trace = newTraceContext();
    const attempts = method === 'GET' ? this.retries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      const span = newTraceContext(trace.traceId);
      let error: ApiError;
      try {
        const response = await this.fetch(this.options.baseUrl + path, {
          method,
          headers: {
            accept: 'application/json',
            traceparent: span.traceparent,
            ...(json === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: json === undefined ? undefined : JSON.stringify(json),
          cache: 'no-store',
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        const answered = response.headers.get('x-trace-id')?.toLowerCase();
        const traceId = answered && TRACE_ID.test(answered) ? answered : trace.traceId;
        this.lastTraceId = traceId;
        const text = await response.text();
        let body: unknown = undefined;
        if (text) {
          try {
            body = JSON.parse(text);
          } catch {
            body = undefined;
          }
        }
        if (response.ok) return { body, traceId };
        error = errorFromResponse(response.status, body, traceId);
      } catch (failure) {
        error = errorFromFailure(failure, trace.traceId, this.timeoutMs);
        this.lastTraceId = trace.traceId;
        const cause = (failure as { cause?: { code?: string; message?: string } }).cause;
        this.log(
          `paws360-web: ${method} ${this.options.baseUrl}${path} got no answer (trace ${trace.traceId}): ${String(failure)}${cause ? ` (${cause.code ?? cause.message})` : ''}`,
        );
      }
      if (!error.retryable || attempt >= attempts) throw error;
      await this.sleep(this.retryDelayMs * attempt);
    }
  }
}

function search(params: Record<string, string | number | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') query.set(key, String(value));
  }
  const text = query.toString();
  return text ? `?${text}` : '';
}
