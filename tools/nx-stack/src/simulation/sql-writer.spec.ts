import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { SqlWriter, missingRows } from './sql-writer';
import { firstAckSentAfter, longestGap, type AckedWrite } from './traffic';

const ack = (n: number, sentAt: number, ackedAt = sentAt + 2, server = 'a'): AckedWrite => ({ n, key: `run:${n}`, sentAt, ackedAt, server });

describe('write bookkeeping', () => {
  const acks = [ack(0, 0), ack(1, 10), ack(2, 20), ack(5, 3000, 3004, 'b'), ack(6, 3010, 3012, 'b')];

  it('firstAckSentAfter: the first insert sent at or after a moment (one in flight before it does not count)', () => {
    expect(firstAckSentAfter(acks, 21)).toEqual(acks[3]);
    expect(firstAckSentAfter(acks, 20)).toEqual(acks[2]);
    expect(firstAckSentAfter(acks, 4000)).toBeUndefined();
  });

  it('longestGap: the longest stretch without an acknowledgement inside a window, its ends included', () => {
    expect(longestGap(acks, 15, 3100)).toEqual({ ms: 2982, start: 22, end: 3004 });
    expect(longestGap([], 100, 350)).toEqual({ ms: 250, start: 100, end: 350 });
  });

  it('missingRows: acknowledged inserts the leader does not have', () => {
    expect(missingRows(acks, new Set([0, 1, 2, 5, 6, 7]))).toEqual([]);
    expect(missingRows(acks, new Set([0, 2, 6])).map((a) => a.n)).toEqual([1, 5]);
  });
});

describe('SqlWriter against a port that drops every connection', () => {
  it('records each failed insert, reconnects with a backoff, and stops cleanly', async () => {
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const started = Date.now();
    const writer = new SqlWriter({ target: { port, password: 'x' }, via: 'spec-router', run: 'spec', intervalMs: 0, backoffMs: 50, clock: () => Date.now() - started });
    // The table cannot be created: start refuses (the simulation stops before breaking anything).
    await expect(writer.start()).rejects.toThrow();
    // Writing anyway (as if the router had taken the create, then dropped every connection).
    writer.begin();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await writer.stop();
    server.close();
    expect(writer.acked).toEqual([]);
    // 300 ms at one attempt per ~50 ms backoff: a handful, not a busy loop.
    expect(writer.failed.length).toBeGreaterThanOrEqual(2);
    expect(writer.failed.length).toBeLessThanOrEqual(8);
    expect(writer.failed.map((e) => e.n)).toEqual(writer.failed.map((_, i) => i));
    expect(writer.failed[0]).toMatchObject({ key: 'spec:0', sentAt: expect.any(Number), failedAt: expect.any(Number) });
    expect(writer.attempts()).toBeGreaterThanOrEqual(writer.failed.length);
    await expect(writer.missing([])).rejects.toThrow();
  });
});
