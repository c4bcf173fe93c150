// The HTTP application: Fastify 5 with zod validation and serialization
// (fastify-type-provider-zod). Routing, body parsing, validation, 404, 413
// and 415 are Fastify's; this file only shapes its errors
// ({"error","message","traceId"}), adds the trace headers, the access log
// line and the request metrics, and the actuator endpoints.
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, LogController } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ApiError, DependencyUnavailableError, describeError } from './errors';
import type { HealthProbe } from './health';
import type { Metrics } from './metrics';
import { sisRoutes } from './sis/routes';
import type { SisService } from './sis/service';
import { responseTraceparent, traceIdOf } from './tracing';

export interface AppInfo {
  name: string;
  version: string;
  /** The configuration variables set in the environment (names only). */
  envKeys: string[];
}

export interface AppDeps {
  sis: SisService;
  health: HealthProbe;
  metrics: Metrics;
  logger: FastifyBaseLogger;
  info: AppInfo;
}

export type App = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

/** Request bodies larger than this are refused with 413 (Fastify's bodyLimit). */
export const BODY_LIMIT_BYTES = 64 * 1024;

// Polled every few seconds by health checks and Prometheus: logged at debug unless they fail.
const PROBE_ROUTES = new Set(['/healthz', '/readyz', '/actuator/health', '/actuator/info', '/metrics']);

// Fastify's own client errors → our short codes.
const FASTIFY_ERROR_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
};

export interface ValidationDetail {
  /** Where: body, querystring, params, headers. */
  in: string;
  /** Dotted path inside it ("" for the whole of it). */
  path: string;
  message: string;
  code: string;
}

export function buildApp({ sis, health, metrics, logger, info }: AppDeps): App {
  const app = Fastify({
    loggerInstance: logger,
    // Request lines carry the trace id as trace_id; Fastify's own two lines per
    // request are replaced by ours (one, with the route and duration).
    logController: new LogController({ requestIdLogLabel: 'trace_id', disableRequestLogging: true }),
    genReqId: (req) => traceIdOf(req.headers),
    bodyLimit: BODY_LIMIT_BYTES,
    // Idle keep-alive connections close after 5 s; headers must arrive promptly.
    keepAliveTimeout: 5000,
    requestTimeout: 30_000,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-trace-id', request.id);
    reply.header('traceparent', responseTraceparent(request.id, request.headers.traceparent));
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    metrics.observeRequest(request.method, route, status, reply.elapsedTime / 1000);
    const line = { method: request.method, route, url: request.url, status, duration_ms: Math.round(reply.elapsedTime * 100) / 100 };
    if (PROBE_ROUTES.has(route) && status < 500) request.log.debug(line, 'request');
    else request.log.info(line, 'request');
  });

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const traceId = request.id;
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = err.validationContext ?? 'request';
      const details: ValidationDetail[] = err.validation.map((v) => ({
        in: where,
        path: v.instancePath.split('/').filter(Boolean).join('.'),
        message: v.message ?? 'is invalid',
        code: v.keyword,
      }));
      const message = details.map((d) => `${[d.in, d.path].filter(Boolean).join('.')}: ${d.message}`).join('; ');
      return reply.code(400).send({ error: 'validation_failed', message, traceId, details });
    }
    if (err instanceof ApiError) return reply.code(err.statusCode).send({ error: err.code, message: err.message, traceId });
    if (err instanceof DependencyUnavailableError) {
      request.log.warn({ dependency: err.dependency, error: err.reason }, 'dependency unavailable');
      return reply
        .code(503)
        .header('retry-after', '1')
        .send({ error: 'db_unavailable', message: 'the database is unavailable (failover or restart?); retry shortly', traceId });
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Fastify's client errors (bad JSON, 413, 415, …): its message is the readable part.
      const code = (err.code && FASTIFY_ERROR_CODES[err.code]) ?? (err instanceof SyntaxError ? 'invalid_json' : 'bad_request');
      return reply.code(status).send({ error: code, message: err.message, traceId });
    }
    request.log.error({ error: describeError(err), stack: err.stack }, 'request failed');
    return reply.code(500).send({ error: 'internal_error', message: 'internal server error', traceId });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: 'not_found', message: `no route for ${request.method} ${request.url.split('?')[0]}`, traceId: request.id }),
  );

  const healthHandler = async (_request: unknown, reply: { code(n: number): unknown }) => {
    const report = await health();
    reply.code(report.status === 'UP' ? 200 : 503);
    return report;
  };
  app.get('/actuator/health', healthHandler);
  // The earlier probe paths, kept as aliases: /readyz is the same check, /healthz liveness only.
  app.get('/readyz', healthHandler);
  app.get('/healthz', async () => ({ status: 'UP' }));

  app.get('/actuator/info', async () => ({
    app: { name: info.name, version: info.version },
    node: process.version,
    env: info.envKeys,
  }));

  app.get('/metrics', async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  app.register(sisRoutes(sis));
  return app;
}
