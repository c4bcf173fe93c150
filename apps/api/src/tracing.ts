// W3C Trace Context: a request's trace id is the trace-id of its
// `traceparent` header when that header is valid, else a new random one. It
// becomes Fastify's request id (so request.log lines carry it as trace_id),
// the `x-trace-id` response header, and the trace-id of the `traceparent` we
// answer with (our own span as parent-id).
import { randomBytes } from 'node:crypto';

export interface TraceParent {
  traceId: string;
  parentId: string;
  flags: string;
}

// version-traceid-parentid-flags; version ff is invalid, all-zero ids are invalid.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

export function parseTraceparent(header: string | string[] | undefined): TraceParent | undefined {
  if (typeof header !== 'string') return undefined;
  const m = TRACEPARENT.exec(header.trim());
  if (!m) return undefined;
  const [, version, traceId, parentId, flags, rest] = m;
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (/^0+$/.test(traceId) || /^0+$/.test(parentId)) return undefined;
  return { traceId, parentId, flags };
}

export const newTraceId = () => randomBytes(16).toString('hex');
export const newSpanId = () => randomBytes(8).toString('hex');

/** The trace id of a request: Fastify's genReqId. */
export function traceIdOf(headers: Record<string, string | string[] | undefined>): string {
  return parseTraceparent(headers.traceparent)?.traceId ?? newTraceId();
}

/** The `traceparent` we answer with: same trace, our span, the caller's flags (sampled when we started the trace). */
export function responseTraceparent(traceId: string, incoming: string | string[] | undefined): string {
  const parsed = parseTraceparent(incoming);
  const flags = parsed && parsed.traceId === traceId ? parsed.flags : '01';
  return `00-${traceId}-${newSpanId()}-${flags}`;
}
