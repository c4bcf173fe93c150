import type { ServiceDefinition } from '../../core/service-config';
import type { ContainerInfo } from '../../runtime/container-runtime';
import { FakeRuntime } from '../../testing/fake-runtime';
import type { MemberView, ProbeContext } from '../kind';
import type { RedisConnector } from '../../clients/redis';
import { createRedisProbe, keyspace, parseReplication, redisVerdict, type RedisMemberState } from './redis-probe';
import { parseInfo } from '../../clients/redis';

// INFO replication as Redis 7.0.15 prints it (captured from the stack's images).
const masterInfo = (replicas: Array<{ ip: string; state?: string; offset?: number }>, offset = 3615) =>
  [
    '# Replication',
    'role:master',
    `connected_slaves:${replicas.length}`,
    `min_slaves_good_slaves:${replicas.length}`,
    ...replicas.map((r, i) => `slave${i}:ip=${r.ip},port=6379,state=${r.state ?? 'online'},offset=${r.offset ?? offset},lag=1`),
    'master_failover_state:no-failover',
    'master_replid:74e0cd1f89a32cdf119b1d7f281724bd3ec0cc69',
    'master_replid2:0000000000000000000000000000000000000000',
    `master_repl_offset:${offset}`,
    'second_repl_offset:-1',
    'repl_backlog_active:1',
    '',
  ].join('\r\n');

const replicaInfo = (master: string, link = 'up', offset = 3615) =>
  [
    '# Replication',
    'role:slave',
    `master_host:${master}`,
    'master_port:6379',
    `master_link_status:${link}`,
    'master_last_io_seconds_ago:1',
    `master_sync_in_progress:${link === 'up' ? 0 : 1}`,
    `slave_read_repl_offset:${offset}`,
    `slave_repl_offset:${offset}`,
    'slave_priority:100',
    'slave_read_only:1',
    'replica_announced:1',
    'connected_slaves:0',
    'master_failover_state:no-failover',
    `master_repl_offset:${offset}`,
    '',
  ].join('\r\n');

const container = (n: number, state: ContainerInfo['state'] = 'running'): ContainerInfo => ({
  id: `id-${n}`,
  name: `paws360-redis-${n}`,
  state,
  labels: {},
  imageId: 'sha256:x',
  networks: ['paws360-backend'],
});

const view = (n: number, state: ContainerInfo['state'] | 'absent' = 'running'): MemberView => ({
  member: n,
  containerName: `paws360-redis-${n}`,
  hostname: `redis-${n}`,
  container: state === 'absent' ? undefined : container(n, state),
  running: state === 'running',
  hostPorts: { redis: 6378 + n },
});

const states = (...infos: Array<string | Error | 'absent' | 'exited'>): RedisMemberState[] =>
  infos.map((info, i) => {
    if (info === 'absent' || info === 'exited') return { view: view(i + 1, info) };
    if (info instanceof Error) return { view: view(i + 1), error: info.message };
    return { view: view(i + 1), info: parseInfo(info) };
  });

const healthy = () =>
  states(masterInfo([{ ip: 'redis-2' }, { ip: 'redis-3' }]), replicaInfo('redis-1'), replicaInfo('redis-1'));

describe('parseReplication', () => {
  it('reads a master: offset and its replicas', () => {
    expect(parseReplication(parseInfo(masterInfo([{ ip: 'redis-3', offset: 3600 }, { ip: 'redis-2' }])))).toEqual({
      role: 'master',
      offset: 3615,
      connectedReplicas: 2,
      replicas: [
        { ip: 'redis-3', port: 6379, state: 'online', offset: 3600, lag: 1 },
        { ip: 'redis-2', port: 6379, state: 'online', offset: 3615, lag: 1 },
      ],
    });
  });

  it('reads a replica: its master, link and offset', () => {
    expect(parseReplication(parseInfo(replicaInfo('redis-2', 'down', 12)))).toMatchObject({
      role: 'replica',
      masterHost: 'redis-2',
      masterPort: 6379,
      linkStatus: 'down',
      replicaOffset: 12,
      syncInProgress: true,
    });
  });

  it('refuses INFO without a role', () => {
    expect(() => parseReplication(parseInfo('# Server\r\nredis_version:7.0.15\r\n'))).toThrow('no known role');
  });
});

describe('redisVerdict', () => {
  it('healthy: one master with 2 online replicas, both replicating it with the link up', () => {
    const verdict = redisVerdict(healthy());
    expect(verdict.map((c) => [c.name, c.status, c.role])).toEqual([
      ['paws360-redis-1', 'healthy', 'master'],
      ['paws360-redis-2', 'healthy', 'replica'],
      ['paws360-redis-3', 'healthy', 'replica'],
    ]);
    expect(verdict[0].detail).toBe('offset 3615 · 2/2 replicas online (redis-2 0 B behind, redis-3 0 B behind)');
    expect(verdict[1].detail).toBe('replica of redis-1:6379 · link up · offset 3615 · lag 0 B');
  });

  it('shows the lag in bytes: master offset minus the replica offset', () => {
    const verdict = redisVerdict(
      states(masterInfo([{ ip: 'redis-2', offset: 3000 }, { ip: 'redis-3' }], 3615), replicaInfo('redis-1', 'up', 3000), replicaInfo('redis-1')),
    );
    expect(verdict[1]).toMatchObject({ status: 'healthy', detail: 'replica of redis-1:6379 · link up · offset 3000 · lag 615 B' });
    expect(verdict[0].detail).toContain('redis-2 615 B behind');
  });

  it('two masters: every member is unhealthy and the masters are named', () => {
    const verdict = redisVerdict(states(masterInfo([{ ip: 'redis-3' }]), masterInfo([]), replicaInfo('redis-1')));
    expect(verdict.every((c) => c.status === 'unhealthy')).toBe(true);
    for (const c of verdict) expect(c.detail).toContain('2 masters (redis-1, redis-2)');
    expect(verdict[1].detail).toContain('0 of 2 replicas connected');
  });

  it('a replica whose link is down: it is unhealthy, and the master misses a replica', () => {
    const verdict = redisVerdict(states(masterInfo([{ ip: 'redis-2' }]), replicaInfo('redis-1'), replicaInfo('redis-1', 'down', 1)));
    expect(verdict[2]).toMatchObject({ status: 'unhealthy', role: 'replica' });
    expect(verdict[2].detail).toContain('link to redis-1:6379 is down (sync in progress)');
    expect(verdict[0]).toMatchObject({ status: 'unhealthy', role: 'master' });
    expect(verdict[0].detail).toContain('1 of 2 replicas connected');
    expect(verdict[1].status).toBe('healthy');
  });

  it('a replica still syncing (listed but not online) keeps the master unhealthy', () => {
    const verdict = redisVerdict(
      states(masterInfo([{ ip: 'redis-2' }, { ip: 'redis-3', state: 'wait_bgsave' }]), replicaInfo('redis-1'), replicaInfo('redis-1', 'down')),
    );
    expect(verdict[0].detail).toContain('replica redis-3 is wait_bgsave');
  });

  it('a replica of another member than the master is unhealthy', () => {
    const verdict = redisVerdict(states(masterInfo([{ ip: 'redis-2' }, { ip: 'redis-3' }]), replicaInfo('redis-1'), replicaInfo('redis-2')));
    expect(verdict[2]).toMatchObject({ status: 'unhealthy' });
    expect(verdict[2].detail).toContain('replicates redis-2, but the master is redis-1');
  });

  it('the master stopped: it says so, the replicas report their link down and no master', () => {
    const verdict = redisVerdict(states('exited', replicaInfo('redis-1', 'down'), replicaInfo('redis-1', 'down')));
    expect(verdict[0]).toMatchObject({ status: 'unhealthy', detail: 'container not running (exited)' });
    expect(verdict[1].detail).toContain('link to redis-1:6379 is down');
    expect(verdict[1].detail).toContain('no master among the members that answer');
    expect(verdict[1].detail).toContain('lag ?');
  });

  it('an unreachable or absent member is unhealthy with the reason', () => {
    const verdict = redisVerdict(states(masterInfo([{ ip: 'redis-2' }]), new Error('connect ECONNREFUSED 127.0.0.1:6380'), 'absent'));
    expect(verdict[1]).toEqual({ name: 'paws360-redis-2', status: 'unhealthy', role: '-', detail: 'connect ECONNREFUSED 127.0.0.1:6380', serving: false });
    expect(verdict[2]).toMatchObject({ status: 'unhealthy', detail: 'no container (run up)' });
  });
});

describe('keyspace', () => {
  it('reads the db lines', () => {
    expect(keyspace(parseInfo('# Keyspace\r\ndb0:keys=12,expires=3,avg_ttl=100\r\ndb2:keys=1,expires=0,avg_ttl=0\r\n'))).toEqual({
      db0: { keys: 12, expires: 3 },
      db2: { keys: 1, expires: 0 },
    });
  });
});

describe('redis probe with an injected connector', () => {
  const service = { name: 'redis', config: { replicas: 3 } } as unknown as ServiceDefinition;
  const context = (views: MemberView[]): ProbeContext => ({
    runtime: new FakeRuntime(),
    stack: 'paws360',
    service,
    members: views,
    secrets: { REDIS_PASSWORD: 's3cret' },
    secret: () => 's3cret',
  });
  const memory = '# Memory\r\nused_memory:1318288\r\nused_memory_human:1.26M\r\nused_memory_peak_human:1.30M\r\n';
  const byPort: Record<number, string> = {
    6379: masterInfo([{ ip: 'redis-2' }, { ip: 'redis-3', offset: 3600 }]) + memory + '# Keyspace\r\ndb0:keys=5,expires=1,avg_ttl=0\r\n',
    6380: replicaInfo('redis-1') + memory + '# Keyspace\r\ndb0:keys=5,expires=1,avg_ttl=0\r\n',
    6381: replicaInfo('redis-1', 'up', 3600) + memory,
  };
  const calls: Array<{ port: number; password?: string; command: unknown[] }> = [];
  const connect: RedisConnector = async (port, password, use) =>
    use({
      command: async (...command) => {
        calls.push({ port, password, command });
        if (!(port in byPort)) throw new Error(`connect ECONNREFUSED 127.0.0.1:${port}`);
        return byPort[port];
      },
    });

  beforeEach(() => (calls.length = 0));

  it('health asks each running member for INFO replication on its host port, with the password', async () => {
    const health = await createRedisProbe(connect).health(context([view(1), view(2), view(3)]));
    expect(health.map((c) => c.status)).toEqual(['healthy', 'healthy', 'healthy']);
    expect(calls).toEqual([
      { port: 6379, password: 's3cret', command: ['INFO', 'replication'] },
      { port: 6380, password: 's3cret', command: ['INFO', 'replication'] },
      { port: 6381, password: 's3cret', command: ['INFO', 'replication'] },
    ]);
  });

  it('a stopped member is not dialled', async () => {
    const health = await createRedisProbe(connect).health(context([view(1), view(2), view(3, 'exited')]));
    expect(calls.map((c) => c.port)).toEqual([6379, 6380]);
    expect(health[2].detail).toBe('container not running (exited)');
  });

  it('inspect: topology, offsets, lag, memory and keyspace per member', async () => {
    const report = await createRedisProbe(connect).inspect(context([view(1), view(2), view(3)]));
    expect(report.rows).toEqual([
      expect.objectContaining({ member: 'paws360-redis-1', role: 'master', master: null, offset: 3615, lagBytes: null, memory: '1.26M', keys: 5, expires: 1 }),
      expect.objectContaining({ member: 'paws360-redis-2', role: 'replica', master: 'redis-1:6379', link: 'up', offset: 3615, lagBytes: 0, keys: 5 }),
      expect.objectContaining({ member: 'paws360-redis-3', role: 'replica', offset: 3600, lagBytes: 15, keys: 0, endpoint: '127.0.0.1:6381' }),
    ]);
    expect(report.facts).toMatchObject({
      healthy: true,
      master: 'redis-1',
      topology: { 'redis-1': null, 'redis-2': 'redis-1:6379', 'redis-3': 'redis-1:6379' },
      offsets: { 'redis-1': 3615, 'redis-2': 3615, 'redis-3': 3600 },
      keyspace: { 'redis-1': { db0: { keys: 5, expires: 1 } }, 'redis-3': {} },
    });
    expect(calls.every((c) => c.command.length === 1 && c.command[0] === 'INFO')).toBe(true);
  });
});
