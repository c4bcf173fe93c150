import type { RedisConnector } from '../clients/redis';
import { FakeRedisServer, type RespReply } from '../testing/fake-redis-server';
import { createFailMasterIo, startSentinelWriter, type Writer, type WriterConfig } from './redis-writer';

const waitUntil = async (what: string, condition: () => boolean, timeoutMs = 5000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** An imitation Redis master: keeps SET keys, answers WAIT with `replicas`. */
async function fakeMaster(password: string, state: { replicas: number }) {
  const data = new Map<string, string>();
  const server = await FakeRedisServer.start(
    (cmd): RespReply => {
      switch (cmd[0]) {
        case 'INFO':
          return '# Replication\r\nrole:master\r\nloading:0\r\n';
        case 'ROLE':
          return ['master', 0, []];
        case 'SET':
          data.set(cmd[1], cmd[2]);
          return { status: 'OK' };
        case 'WAIT':
          return state.replicas;
        default:
          return { status: 'OK' };
      }
    },
    { password },
  );
  return { server, data };
}

/** An imitation Sentinel: names `current.addr` as the master and knows no other Sentinels. */
async function fakeSentinel(current: { addr: [string, string] }) {
  return FakeRedisServer.start(([name, sub]) => {
    if (name !== 'SENTINEL') return { status: 'OK' };
    if (sub.toUpperCase() === 'GET-MASTER-ADDR-BY-NAME') return current.addr;
    return [];
  });
}

describe('startSentinelWriter (real ioredis against an imitation Sentinel and masters)', () => {
  const servers: FakeRedisServer[] = [];
  let writer: Writer | undefined;
  afterEach(async () => {
    await writer?.stop();
    writer = undefined;
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  const config = (sentinelPort: number, natMap: WriterConfig['natMap']): WriterConfig => ({
    sentinels: [{ host: '127.0.0.1', port: sentinelPort }],
    masterName: 'mymaster',
    natMap,
    password: 'pw',
    keyPrefix: 'sim:run1:',
    intervalMs: 2,
    waitMs: 500,
    now: () => performance.now(),
  });

  it('asks the Sentinel, reaches the announced master through natMap, and counts SET + WAIT ≥ 1 as acknowledged', async () => {
    const replicas = { replicas: 1 };
    const master = await fakeMaster('pw', replicas);
    const current = { addr: ['redis-1', '6379'] as [string, string] };
    const sentinel = await fakeSentinel(current);
    servers.push(master.server, sentinel);

    writer = startSentinelWriter(config(sentinel.port, { 'redis-1:6379': { host: '127.0.0.1', port: master.server.port } }));
    await waitUntil('5 acknowledged writes', () => writer!.acked.length >= 5);
    expect(writer.acked[0]).toMatchObject({ n: 0, key: 'sim:run1:0' });
    expect(master.data.get('sim:run1:0')).toBe('0');
    // SET is followed by WAIT 1 500, in that order, on the master.
    const writes = master.server.commands.filter((c) => c[0] === 'SET' || c[0] === 'WAIT').slice(0, 4);
    expect(writes).toEqual([['SET', 'sim:run1:0', '0'], ['WAIT', '1', '500'], ['SET', 'sim:run1:1', '1'], ['WAIT', '1', '500']]);
    expect(sentinel.commands).toContainEqual(['SENTINEL', 'get-master-addr-by-name', 'mymaster']);

    // WAIT answering 0: the SET happened, but no replica has it: not acknowledged.
    replicas.replicas = 0;
    const acked = writer.acked.length;
    await waitUntil('a failed write', () => writer!.failed.some((f) => f.message.includes('no replica confirmed')));
    expect(writer.acked.length - acked).toBeLessThanOrEqual(1);
  });

  it('follows a failover: the master goes away, the Sentinel names another, writes are acknowledged there', async () => {
    const master1 = await fakeMaster('pw', { replicas: 1 });
    const master2 = await fakeMaster('pw', { replicas: 1 });
    const current = { addr: ['redis-1', '6379'] as [string, string] };
    const sentinel = await fakeSentinel(current);
    servers.push(master2.server, sentinel);
    writer = startSentinelWriter(
      config(sentinel.port, {
        'redis-1:6379': { host: '127.0.0.1', port: master1.server.port },
        'redis-2:6379': { host: '127.0.0.1', port: master2.server.port },
      }),
    );
    await waitUntil('writes on master 1', () => writer!.acked.length >= 3);

    await master1.server.close();
    current.addr = ['redis-2', '6379'];
    await waitUntil('writes on master 2', () => master2.data.size >= 3);
    await waitUntil('acknowledged writes on master 2', () => writer!.acked.some((w) => master2.data.get(w.key) === String(w.n)));
    // Every acknowledged key is on one of the two masters.
    for (const w of writer.acked) expect(master1.data.get(w.key) ?? master2.data.get(w.key)).toBe(String(w.n));
  });
});

describe('createFailMasterIo with an injected connector', () => {
  const store = new Map([
    ['k0', '0'],
    ['k1', 'other'],
  ]);
  const calls: unknown[][] = [];
  const connect: RedisConnector = async (port, _password, use) =>
    use({
      async command(name, ...args) {
        calls.push([port, name, ...args]);
        if (port === 1) throw new Error('connect ECONNREFUSED');
        if (name === 'SENTINEL') return ['redis-2', '6379'];
        if (name === 'MGET') return args.map((k) => store.get(String(k)) ?? null);
        return 1;
      },
    });
  const io = createFailMasterIo(connect);

  it('masterAddresses: each Sentinel’s answer, undefined where it does not answer', async () => {
    expect(await io.masterAddresses([26379, 1, 26381], 'mymaster')).toEqual(['redis-2:6379', undefined, 'redis-2:6379']);
  });

  it('missingWrites: keys absent or holding another value, read in chunks with MGET', async () => {
    calls.length = 0;
    const writes = Array.from({ length: 1200 }, (_, i) => ({ key: `k${i}`, value: String(i) }));
    const missing = await io.missingWrites(6379, 'pw', writes);
    expect(missing).toHaveLength(1199);
    expect(missing).not.toContain('k0');
    expect(missing).toContain('k1');
    expect(calls.map((c) => (c as unknown[]).length - 2)).toEqual([500, 500, 200]);
  });
});
