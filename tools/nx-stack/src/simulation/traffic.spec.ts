import { SentinelTraffic, type FailMasterIo, type WriterConfig } from './redis-writer';
import { LOST_CHECK, TrafficUnreadableError, summarizeErrors, verifyTraffic, type AckedWrite, type Traffic, type TrafficVerification } from './traffic';

const write = (n: number): AckedWrite => ({ n, key: `k:${n}`, sentAt: n, ackedAt: n + 1 });

/** A finished traffic: `acked` writes, one failure, and a store answering `missing` as told. */
function stubTraffic(acked: AckedWrite[], missing: Traffic['missing']) {
  const traffic = {
    description: 'stub',
    noun: 'writes',
    measurements: { attempted: 'writesAttempted', acked: 'writesAcked', failed: 'writesFailed', lost: 'lostWrites' },
    acked,
    failed: [{ n: 99, key: 'k:99', sentAt: 5, failedAt: 6, message: 'NOREPLICAS Not enough good replicas to write.' }],
    stopped: 0,
    discarded: [] as AckedWrite[][],
    attempts: () => acked.length + 1,
    start: async () => undefined,
    stop: async () => void (traffic.stopped += 1),
    missing: jest.fn(missing),
    discard: async (writes: readonly AckedWrite[]) => void traffic.discarded.push([...writes]),
  };
  return traffic;
}

function verification() {
  const v = {
    events: [] as string[],
    measurements: {} as Record<string, number | string>,
    checks: [] as Array<{ name: string; ok: boolean; detail: string }>,
    sleeps: 0,
    mark: (event: string) => v.events.push(event),
    check: (name: string, ok: boolean, detail: string) => void v.checks.push({ name, ok, detail }),
    sleep: async () => void (v.sleeps += 1),
  };
  return v satisfies TrafficVerification;
}

/** Verifies a stub traffic of `acked` writes whose store answers with `missing`. */
async function verified(acked: AckedWrite[], missing: Traffic['missing']) {
  const traffic = stubTraffic(acked, missing);
  const v = verification();
  await verifyTraffic(traffic, v);
  return { traffic, v };
}

describe('verifyTraffic: every acknowledged write must be in the store', () => {
  it('all present: stops the traffic, reports the counts under its names, passes, then discards what it wrote', async () => {
    const { traffic, v } = await verified([write(0), write(1)], async () => ({ where: 'redis-2:6379', missing: [] }));
    expect(traffic.stopped).toBe(1);
    expect(v.measurements).toEqual({ writesAttempted: 3, writesAcked: 2, writesFailed: 1, lostWrites: 0 });
    expect(v.checks).toEqual([{ name: LOST_CHECK, ok: true, detail: 'all 2 acknowledged writes are on redis-2:6379 (1 failed, never acknowledged)' }]);
    expect(v.events).toEqual(['writer stopped: 2 of 3 writes acknowledged; 1 failed (NOREPLICAS Not enough good replicas to write. ×1)', '2/2 acknowledged writes found on redis-2:6379']);
    expect(traffic.discarded).toEqual([[write(0), write(1)]]);
  });

  it('one missing fails the check and names it', async () => {
    const { v } = await verified([write(0), write(1)], async (writes) => ({ where: 'the leader', missing: [writes[1]] }));
    expect(v.measurements.lostWrites).toBe(1);
    expect(v.checks).toEqual([{ name: LOST_CHECK, ok: false, detail: '1 of 2 acknowledged writes missing (first: k:1)' }]);
  });

  it('nothing acknowledged at all fails too (nothing was shown to survive)', async () => {
    const { v } = await verified([], async () => ({ where: 'the leader', missing: [] }));
    expect(v.checks[0]).toMatchObject({ ok: false });
  });

  it('a store that cannot be read: tried again while it settles, then lostWrites unknown and the check fails', async () => {
    const { traffic, v } = await verified([write(0)], async () => {
      throw new Error('connection refused');
    });
    expect(traffic.missing).toHaveBeenCalledTimes(10);
    expect(v.sleeps).toBe(9);
    expect(v.measurements.lostWrites).toBe('unknown');
    expect(v.checks).toEqual([{ name: LOST_CHECK, ok: false, detail: 'cannot read the acknowledged writes back: connection refused' }]);
    expect(traffic.discarded).toEqual([]);
  });

  it('a read that fails once and then answers counts the answer', async () => {
    let calls = 0;
    const { v } = await verified([write(0)], async () => {
      if (calls++ === 0) throw new Error('the router is settling');
      return { where: 'the leader', missing: [] };
    });
    expect(v.checks[0]).toMatchObject({ ok: true });
  });

  it('TrafficUnreadableError (no store to read from) is not tried again', async () => {
    const { traffic, v } = await verified([write(0)], async () => {
      throw new TrafficUnreadableError('no new master to read them from');
    });
    expect(traffic.missing).toHaveBeenCalledTimes(1);
    expect(v.checks[0]).toEqual({ name: LOST_CHECK, ok: false, detail: 'cannot read the acknowledged writes back: no new master to read them from' });
  });

  it('summarizeErrors: distinct first lines, most frequent first', () => {
    expect(summarizeErrors(['a\nmore', 'b', 'a'])).toBe('a ×2, b ×1');
  });
});

describe('SentinelTraffic', () => {
  const config = { password: 'pw', waitMs: 500, intervalMs: 10, keyPrefix: 'p:' } as WriterConfig;
  const io = (missing: string[]) => {
    const calls: unknown[][] = [];
    const fake: FailMasterIo = {
      startWriter: () => ({ acked: [write(0), write(1)], failed: [], attempts: () => 2, stop: async () => undefined }),
      masterAddresses: async () => [],
      missingWrites: async (...args) => (calls.push(['missing', ...args]), missing),
      deleteKeys: async (...args) => void calls.push(['delete', ...args]),
    };
    return { fake, calls };
  };

  it('reads back from the master it is told, comparing each key with its number', async () => {
    const { fake, calls } = io(['k:1']);
    const traffic = new SentinelTraffic(fake, config, () => ({ name: 'redis-2:6379', endpoint: { host: '127.0.0.1', port: 6380 } }));
    await traffic.start();
    expect(await traffic.missing(traffic.acked)).toEqual({ where: 'redis-2:6379', missing: [write(1)] });
    expect(calls[0]).toEqual(['missing', 6380, 'pw', [{ key: 'k:0', value: '0' }, { key: 'k:1', value: '1' }]]);
    await traffic.discard(traffic.acked);
    expect(calls[1]).toEqual(['delete', 6380, 'pw', ['k:0', 'k:1']]);
  });

  it('no master named: unreadable, nothing deleted', async () => {
    const { fake, calls } = io([]);
    const traffic = new SentinelTraffic(fake, config, () => undefined);
    await traffic.start();
    await expect(traffic.missing(traffic.acked)).rejects.toBeInstanceOf(TrafficUnreadableError);
    await traffic.discard(traffic.acked);
    expect(calls).toEqual([]);
  });
});
