// W3C Trace Context (https://www.w3.org/TR/trace-context/): every API call
// carries a `traceparent` of our own, so the API's logs and its `x-trace-id`
// answer name the same trace as the page that made the call.

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** `n` random bytes as lowercase hex, never all zeros (the spec forbids an all-zero id). */
function randomId(n: number): string {
  const bytes = new Uint8Array(n);
  do globalThis.crypto.getRandomValues(bytes);
  while (bytes.every((b) => b === 0));
  return hex(bytes);
}

export interface TraceContext {
  /** 32 lowercase hex digits. */
  traceId: string;
  /** 16 lowercase hex digits: this call's span. */
  spanId: string;
  /** `00-<traceId>-<spanId>-01` (version 00, sampled). */
  traceparent: string;
}

/** A new trace, or a new span of `traceId` (a retry of the same call keeps its trace). */
export function newTraceContext(traceId: string = randomId(16)): TraceContext {
  const spanId = randomId(8);
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

export const TRACE_ID = /^[0-9a-f]{32}$/;
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/** The trace id of a version-00 `traceparent`, or undefined if it is not one. */
export function parseTraceparent(value: string): string | undefined {
  const match = TRACEPARENT.exec(value.trim());
  if (!match || /^0+$/.test(match[1]) || /^0+$/.test(match[2])) return undefined;
  return match[1];
}
