// Routing: a node:http request listener over the students service and the
// readiness probe. Every answer is JSON (204 aside).
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { z } from 'zod';
import { DependencyUnavailableError, describeError } from './errors';
import { HttpError, readJsonBody, type Reply, sendReply } from './http';
import type { Logger } from './logger';
import type { ReadinessProbe } from './readiness';
import { DuplicateStudentNumberError, newStudentSchema, parseStudentId } from './students/student';
import type { StudentService } from './students/student-service';

export interface AppDeps {
  students: StudentService;
  readiness: ReadinessProbe;
  logger: Logger;
}

type Handler = (req: IncomingMessage, params: Record<string, string>) => Promise<Reply>;

interface Route {
  /** Path segments; ":name" captures one segment. */
  segments: string[];
  methods: Partial<Record<string, Handler>>;
}

function route(path: string, methods: Route['methods']): Route {
  return { segments: path.split('/').filter(Boolean), methods };
}

function match(route: Route, parts: string[]): Record<string, string> | undefined {
  if (route.segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const seg = route.segments[i];
    if (seg.startsWith(':')) params[seg.slice(1)] = parts[i];
    else if (seg !== parts[i]) return undefined;
  }
  return params;
}

function studentIdParam(params: Record<string, string>): number {
  const id = parseStudentId(params.id);
  if (id === undefined) throw new HttpError(400, 'id must be a positive integer', { id: params.id });
  return id;
}

// Probes are polled every few seconds: not worth an access-log line each.
const QUIET_PATHS = new Set(['/healthz', '/readyz']);

export function createApp({ students, readiness, logger }: AppDeps): RequestListener {
  const routes: Route[] = [
    route('/healthz', { GET: async () => ({ status: 200, body: { status: 'ok' } }) }),
    route('/readyz', {
      GET: async () => {
        const report = await readiness();
        return report.ready
          ? { status: 200, body: { status: 'ready', checks: report.checks } }
          : { status: 503, body: { status: 'unavailable', checks: report.checks } };
      },
    }),
    route('/api/students', {
      GET: async () => ({ status: 200, body: await students.list() }),
      POST: async (req) => {
        const parsed = newStudentSchema.safeParse(await readJsonBody(req));
        if (!parsed.success) {
          const { formErrors, fieldErrors } = z.flattenError(parsed.error);
          throw new HttpError(400, 'validation failed', { fieldErrors, ...(formErrors.length ? { formErrors } : {}) });
        }
        const student = await students.create(parsed.data);
        return { status: 201, body: student, headers: { location: `/api/students/${student.id}` } };
      },
    }),
    route('/api/students/:id', {
      GET: async (_req, params) => {
        const id = studentIdParam(params);
        const { student, cache } = await students.get(id);
        if (!student) return { status: 404, body: { error: `student ${id} not found` }, headers: { 'x-cache': cache } };
        return { status: 200, body: student, headers: { 'x-cache': cache } };
      },
      DELETE: async (_req, params) => {
        const id = studentIdParam(params);
        if (!(await students.delete(id))) throw new HttpError(404, `student ${id} not found`);
        return { status: 204 };
      },
    }),
  ];

  async function handle(req: IncomingMessage): Promise<Reply> {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    const parts = pathname.split('/').filter(Boolean);
    for (const r of routes) {
      const params = match(r, parts);
      if (!params) continue;
      const handler = r.methods[req.method ?? 'GET'];
      if (!handler) {
        throw new HttpError(405, `method ${req.method} not allowed on ${pathname}`, {}, { allow: Object.keys(r.methods).join(', ') });
      }
      return handler(req, params);
    }
    throw new HttpError(404, `no route for ${req.method} ${pathname}`);
  }

  function toReply(err: unknown, req: IncomingMessage): Reply {
    if (err instanceof HttpError) return { status: err.status, body: { error: err.message, ...err.details }, headers: err.headers };
    if (err instanceof DuplicateStudentNumberError) {
      return { status: 409, body: { error: err.message, studentNumber: err.studentNumber } };
    }
    if (err instanceof DependencyUnavailableError) {
      logger.warn('dependency unavailable', { method: req.method, url: req.url, dependency: err.dependency, error: err.reason });
      return { status: 503, body: { error: `${err.dependency} is unavailable, retry shortly`, dependency: err.dependency }, headers: { 'retry-after': '1' } };
    }
    logger.error('request failed', { method: req.method, url: req.url, error: describeError(err), stack: (err as Error)?.stack });
    return { status: 500, body: { error: 'internal server error' } };
  }

  return (req: IncomingMessage, res: ServerResponse) => {
    const started = process.hrtime.bigint();
    handle(req)
      .catch((err: unknown) => toReply(err, req))
      .then((reply) => {
        sendReply(res, reply);
        const path = (req.url ?? '/').split('?')[0];
        if (!QUIET_PATHS.has(path) || reply.status >= 500) {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          logger.info('request', { method: req.method, path, status: reply.status, ms: Math.round(ms * 10) / 10 });
        }
      })
      .catch((err: unknown) => {
        // Writing the reply itself failed (client went away): nothing left to tell it.
        logger.warn('could not send reply', { error: describeError(err) });
        res.destroy();
      });
  };
}
