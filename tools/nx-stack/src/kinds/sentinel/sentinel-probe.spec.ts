import type { ServiceDefinition } from '../../core/service-config';
import type { ContainerInfo, ContainerSpec } from '../../runtime/container-runtime';
import { FakeRedisServer } from '../../testing/fake-redis-server';
import { FakeRuntime } from '../../testing/fake-runtime';
import type { MemberView, ProbeContext } from '../kind';
import { connectRedis, type RedisConnector } from '../../clients/redis';
import {
  createSentinelProbe,
  querySentinel,
  sentinelVerdict,
  type SentinelExpectations,
  type SentinelMemberState,
  type SentinelView,
} from './sentinel-probe';

const OK_QUORUM = 'OK 3 usable Sentinels. Quorum and failover authorization can be reached';
const expect3: SentinelExpectations = { masterName: 'mymaster', replicas: 2, otherSentinels: 2 };

/** What a Sentinel of a healthy stack answers (fields as Redis 7.0.15 names them), with overrides. */
function sentinelView(n: number, overrides: Partial<SentinelView> & { masterFlags?: string; masterHost?: string } = {}): SentinelView {
  const host = overrides.masterHost ?? 'redis-1';
  return {
    masterAddr: `${host}:6379`,
    master: {
      name: 'mymaster',
      ip: host,
      port: '6379',
      flags: overrides.masterFlags ?? 'master',
      'num-slaves': '2',
      'num-other-sentinels': '2',
      quorum: '2',
      'config-epoch': '0',
      'down-after-milliseconds': '3000',
      'failover-timeout': '10000',
    },
    replicas: ['redis-2', 'redis-3'].map((ip) => ({ name: `${ip}:6379`, ip, port: '6379', flags: 'slave', 'master-link-status': 'ok' })),
    sentinels: [1, 2, 3].filter((s) => s !== n).map((s) => ({ name: `id${s}`, ip: `sentinel-${s}`, port: '26379', flags: 'sentinel' })),
    ckquorum: { ok: true, message: OK_QUORUM },
    ...overrides,
  };
}

const view = (n: number, state: ContainerInfo['state'] | 'absent' = 'running'): MemberView => ({
  member: n,
  containerName: `paws360-sentinel-${n}`,
  hostname: `sentinel-${n}`,
  container:
    state === 'absent' ? undefined : { id: `s${n}`, name: `paws360-sentinel-${n}`, state, labels: {}, imageId: 'x', networks: [] },
  running: state === 'running',
  hostPorts: { sentinel: 26378 + n },
});

const states = (...views: Array<SentinelView | Error | 'exited'>): SentinelMemberState[] =>
  views.map((v, i) =>
    v === 'exited' ? { view: view(i + 1, 'exited') } : v instanceof Error ? { view: view(i + 1), error: v.message } : { view: view(i + 1), sentinel: v },
  );

describe('sentinelVerdict', () => {
  it('healthy: all agree on the master, 2 replicas, 2 other Sentinels, no flags, quorum OK', () => {
    const verdict = sentinelVerdict(states(sentinelView(1), sentinelView(2), sentinelView(3)), expect3);
    expect(verdict.map((c) => [c.name, c.status, c.role])).toEqual([
      ['paws360-sentinel-1', 'healthy', 'sentinel'],
      ['paws360-sentinel-2', 'healthy', 'sentinel'],
      ['paws360-sentinel-3', 'healthy', 'sentinel'],
    ]);
    expect(verdict[0].detail).toBe('master redis-1:6379 · 2 replicas · 2 other Sentinels · quorum 2 (OK 3 usable Sentinels)');
  });

  it('Sentinels that disagree on the master: every one is unhealthy, each view is named', () => {
    const verdict = sentinelVerdict(states(sentinelView(1), sentinelView(2, { masterHost: 'redis-2' }), sentinelView(3)), expect3);
    expect(verdict.every((c) => c.status === 'unhealthy')).toBe(true);
    expect(verdict[0].detail).toContain('Sentinels disagree on the master (sentinel-1: redis-1:6379, sentinel-2: redis-2:6379, sentinel-3: redis-1:6379)');
  });

  it('CKQUORUM failing is unhealthy with its message', () => {
    const noQuorum = { ok: false, message: 'NOQUORUM 1 usable Sentinels. Not enough available Sentinels to reach the specified quorum for this master' };
    const verdict = sentinelVerdict(states(sentinelView(1, { ckquorum: noQuorum }), sentinelView(2), sentinelView(3)), expect3);
    expect(verdict[0]).toMatchObject({ status: 'unhealthy' });
    expect(verdict[0].detail).toContain('CKQUORUM: NOQUORUM 1 usable Sentinels');
    expect(verdict[1].status).toBe('healthy');
  });

  it('a master flagged s_down / o_down is unhealthy', () => {
    const verdict = sentinelVerdict(states(sentinelView(1, { masterFlags: 'master,s_down,o_down' }), sentinelView(2), sentinelView(3)), expect3);
    expect(verdict[0].detail).toContain('master redis-1:6379 is s_down,o_down');
  });

  it('missing replicas or Sentinels, and a replica flagged down, are unhealthy', () => {
    const base = sentinelView(1);
    const verdict = sentinelVerdict(
      states(
        { ...base, master: { ...base.master, 'num-slaves': '1', 'num-other-sentinels': '1' }, replicas: base.replicas.slice(0, 1), sentinels: base.sentinels.slice(0, 1) },
        sentinelView(2, { replicas: [{ ip: 'redis-2', port: '6379', flags: 'slave' }, { ip: 'redis-3', port: '6379', flags: 's_down,slave,disconnected' }] }),
        sentinelView(3, { replicas: [{ ip: 'redis-2', port: '6379', flags: 'slave', 'master-link-status': 'err' }, { ip: 'redis-3', port: '6379', flags: 'slave' }] }),
      ),
      expect3,
    );
    expect(verdict[0].detail).toContain('sees 1 of 2 replicas');
    expect(verdict[0].detail).toContain('sees 1 of 2 other Sentinels');
    expect(verdict[1].detail).toContain('replica redis-3:6379 is s_down,disconnected');
    expect(verdict[2].detail).toContain('replica redis-2:6379 reports its master link err');
    expect(verdict.every((c) => c.status === 'unhealthy')).toBe(true);
  });

  it('an unreachable, stopped or master-less Sentinel is unhealthy; the others are judged on their own', () => {
    const verdict = sentinelVerdict(
      states(new Error('connect ECONNREFUSED 127.0.0.1:26379'), 'exited', sentinelView(3, { masterAddr: undefined })),
      expect3,
    );
    expect(verdict).toEqual([
      { name: 'paws360-sentinel-1', status: 'unhealthy', role: '-', detail: 'connect ECONNREFUSED 127.0.0.1:26379', serving: false },
      { name: 'paws360-sentinel-2', status: 'unhealthy', role: '-', detail: 'container not running (exited)', serving: false },
      { name: 'paws360-sentinel-3', status: 'unhealthy', role: 'sentinel', detail: 'does not monitor a master named mymaster', serving: false },
    ]);
  });
});

/** Flat [k, v, k, v] like Sentinel's replies. */
const flat = (record: Record<string, string>) => Object.entries(record).flat();

describe('querySentinel against an imitation Sentinel (real ioredis)', () => {
  let server: FakeRedisServer;
  afterEach(async () => server?.close());

  it('asks the address, master, replicas, sentinels and CKQUORUM; a NOQUORUM error reply becomes ok: false', async () => {
    const healthy = sentinelView(1);
    server = await FakeRedisServer.start(([, sub]) => {
      switch (sub.toUpperCase()) {
        case 'GET-MASTER-ADDR-BY-NAME':
          return ['redis-1', '6379'];
        case 'MASTER':
          return flat(healthy.master);
        case 'REPLICAS':
          return healthy.replicas.map(flat);
        case 'SENTINELS':
          return healthy.sentinels.map(flat);
        default:
          return new Error('NOQUORUM 1 usable Sentinels. Not enough available Sentinels to reach the specified quorum for this master');
      }
    });
    const result = await connectRedis(server.port, undefined, (link) => querySentinel(link, 'mymaster'));
    expect(result).toEqual({ ...healthy, ckquorum: { ok: false, message: expect.stringMatching(/^NOQUORUM 1 usable/) } });
    expect(server.commands.map((c) => c.slice(1).join(' '))).toEqual([
      'GET-MASTER-ADDR-BY-NAME mymaster',
      'MASTER mymaster',
      'REPLICAS mymaster',
      'SENTINELS mymaster',
      'CKQUORUM mymaster',
    ]);
  });

  it('an unknown master name: no address (nil), nothing more asked than CKQUORUM', async () => {
    server = await FakeRedisServer.start(([, sub]) => (sub === 'GET-MASTER-ADDR-BY-NAME' ? null : new Error('ERR No such master with that name')));
    const result = await connectRedis(server.port, undefined, (link) => querySentinel(link, 'other'));
    expect(result).toMatchObject({ masterAddr: undefined, replicas: [], sentinels: [], ckquorum: { ok: false, message: 'ERR No such master with that name' } });
  });
});

describe('sentinel probe with an injected connector', () => {
  const service = { name: 'sentinel', config: { replicas: 3, env: {}, dependsOn: ['redis'] } } as unknown as ServiceDefinition;
  const redisSpec = (n: number): ContainerSpec => ({
    name: `paws360-redis-${n}`,
    image: 'debian:bookworm-slim',
    hostname: `redis-${n}`,
    env: {},
    labels: { 'io.paws360.stack': 'paws360', 'io.paws360.service': 'redis', 'io.paws360.member': String(n) },
    network: 'paws360-backend',
    aliases: [],
    ports: [],
    mounts: [],
    stopTimeoutSeconds: 1,
  });
  const context = (runtime: FakeRuntime): ProbeContext => ({
    runtime,
    stack: 'paws360',
    service,
    members: [view(1), view(2), view(3)],
    secrets: {},
    secret: () => '',
  });
  const connect: RedisConnector = async (port, password, use) => {
    expect(password).toBeUndefined();
    const healthy = sentinelView(port - 26378);
    return use({
      command: async (_sentinel, sub) =>
        ({
          'GET-MASTER-ADDR-BY-NAME': ['redis-1', '6379'],
          MASTER: flat(healthy.master),
          REPLICAS: healthy.replicas.map(flat),
          SENTINELS: healthy.sentinels.map(flat),
          CKQUORUM: OK_QUORUM,
        })[String(sub)],
    });
  };

  it('expects as many replicas as the stack has Redis containers, minus one', async () => {
    const runtime = new FakeRuntime();
    for (const n of [1, 2, 3]) runtime.addContainer(redisSpec(n));
    const health = await createSentinelProbe(connect).health(context(runtime));
    expect(health.map((c) => c.status)).toEqual(['healthy', 'healthy', 'healthy']);

    runtime.addContainer(redisSpec(4));
    const four = await createSentinelProbe(connect).health(context(runtime));
    expect(four[0].detail).toContain('sees 2 of 3 replicas');
  });

  it('no Redis containers at all: unhealthy at once (Sentinel itself notices only after down-after-milliseconds)', async () => {
    const health = await createSentinelProbe(connect).health(context(new FakeRuntime()));
    expect(health.every((c) => c.status === 'unhealthy' && c.detail.includes('no redis containers in the stack'))).toBe(true);
  });

  it('inspect: one row per Sentinel and each view in the facts', async () => {
    const runtime = new FakeRuntime();
    for (const n of [1, 2, 3]) runtime.addContainer(redisSpec(n));
    const report = await createSentinelProbe(connect).inspect(context(runtime));
    expect(report.rows[0]).toMatchObject({
      member: 'paws360-sentinel-1',
      master: 'redis-1:6379',
      masterFlags: 'master',
      replicas: 'redis-2:6379(slave) redis-3:6379(slave)',
      sentinels: 'sentinel-2:26379(sentinel) sentinel-3:26379(sentinel)',
      quorum: 2,
      ckquorum: OK_QUORUM,
      endpoint: '127.0.0.1:26379',
    });
    expect(report.facts).toMatchObject({ healthy: true, master: 'redis-1:6379', agree: true, masterName: 'mymaster' });
    expect((report.facts.views as Record<string, unknown>)['sentinel-3']).toMatchObject({ numSlaves: 2, numOtherSentinels: 2, quorum: 2, downAfterMs: 3000 });
  });
});
