import { TRACE_ID, newTraceContext, parseTraceparent } from './traceparent';

describe('traceparent', () => {
  it('is a version-00, sampled W3C traceparent with a 32-hex trace id and a 16-hex span id', () => {
    const trace = newTraceContext();
    expect(trace.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(trace.traceparent).toBe(`00-${trace.traceId}-${trace.spanId}-01`);
    expect(trace.traceId).toMatch(TRACE_ID);
    expect(parseTraceparent(trace.traceparent)).toBe(trace.traceId);
  });

  it('is new for every call: no two traces or spans alike in 1,000', () => {
    const traces = Array.from({ length: 1000 }, () => newTraceContext());
    expect(new Set(traces.map((t) => t.traceId)).size).toBe(1000);
    expect(new Set(traces.map((t) => t.spanId)).size).toBe(1000);
  });

  it('keeps a given trace id and makes a new span (a retry of the same call)', () => {
    const first = newTraceContext();
    const retry = newTraceContext(first.traceId);
    expect(retry.traceId).toBe(first.traceId);
    expect(retry.spanId).not.toBe(first.spanId);
  });

  it('never uses an all-zero id (invalid per the spec), even when the random source says so', () => {
    const real = globalThis.crypto.getRandomValues.bind(globalThis.crypto);
    let calls = 0;
    const spy = jest.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation(<T extends ArrayBufferView | null>(array: T): T => {
      calls += 1;
      // The first draw of each id is all zeros; the next one is random.
      return calls % 2 === 1 ? array : real(array as unknown as Uint8Array) as unknown as T;
    });
    try {
      const trace = newTraceContext();
      expect(trace.traceId).not.toMatch(/^0+$/);
      expect(trace.spanId).not.toMatch(/^0+$/);
      expect(calls).toBe(4);
    } finally {
      spy.mockRestore();
    }
  });

  it.each([
    ['00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', '0af7651916cd43dd8448eb211c80319c'],
    ['00-00000000000000000000000000000000-b7ad6b7169203331-01', undefined],
    ['00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01', undefined],
    ['01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', undefined],
    ['garbage', undefined],
  ])('parses %s', (header, traceId) => {
    expect(parseTraceparent(header)).toBe(traceId);
  });
});
