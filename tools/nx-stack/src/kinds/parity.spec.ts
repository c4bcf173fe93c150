import { resolve } from 'node:path';
import { loadService } from '../core/load-service';
import { loadCatalog } from '../core/parity-baseline';
import type { RedisConnector } from '../clients/redis';
import { SERVICE_KINDS } from '../core/service-config';
import type { MemberView, ProbeContext } from './kind';
import { agreed, confDirectives } from './parity';
import { etcdDeclared } from './etcd/parity';
import { patroniDeclared } from './patroni/parity';
import { redisDeclared, redisLive } from './redis/parity';
import { routerDeclared } from './router/parity';
import { sentinelDeclared, sentinelLive } from './sentinel/parity';
import { KINDS } from './registry';

const repoRoot = resolve(__dirname, '../../../..');
const service = (name: string) => loadService(repoRoot, `infrastructure/${name}`);

const view = (member: number, running = true): MemberView => ({
  member,
  containerName: `paws360-redis-${member}`,
  hostname: `redis-${member}`,
  running,
  hostPorts: { redis: 6378 + member, sentinel: 26378 + member },
});
const ctx = (name: string, members: MemberView[]): ProbeContext => ({
  runtime: {} as never,
  stack: 'paws360',
  service: service(name),
  members,
  secrets: {},
  secret: () => 'pw',
});

describe('kind parity modules', () => {
  it('every kind has one, and every parameter the catalog gives a kind is one its files or members report', () => {
    const catalog = loadCatalog(repoRoot);
    for (const kind of SERVICE_KINDS) expect([kind, typeof KINDS[kind].parity?.live]).toEqual([kind, 'function']);
    const declaredOrLive: Record<string, string[]> = {
      etcd: ['version'],
      patroni: ['patroni_version'],
      redis: ['version'],
      sentinel: ['version', 'members'],
      http: ['node_version', 'env_keys'],
      router: [],
    };
    for (const [kind, name] of [['etcd', 'etcd'], ['patroni', 'patroni'], ['redis', 'redis'], ['sentinel', 'sentinel'], ['router', 'router']] as const) {
      const declared = Object.keys(KINDS[kind].parity!.declared(service(name), repoRoot));
      for (const parameter of Object.keys(catalog.parameters[kind] ?? {})) {
        expect([kind, parameter, declared.includes(parameter) || declaredOrLive[kind].includes(parameter)]).toEqual([kind, parameter, true]);
      }
    }
  });

  it("reads the repository's templates: Patroni's DCS and PostgreSQL settings, Redis's and Sentinel's directives, etcd's timing, HAProxy's maxconn", () => {
    expect(patroniDeclared(service('patroni'), repoRoot)).toMatchObject({
      ttl: 10,
      loop_wait: 1,
      retry_timeout: 4,
      synchronous_mode: true,
      synchronous_mode_strict: false,
      synchronous_node_count: 1,
      use_pg_rewind: true,
      max_connections: 200,
      shared_buffers: '128MB',
      wal_level: 'replica',
      synchronous_commit: 'on',
      postgres_version: '15',
    });
    expect(redisDeclared(service('redis'), repoRoot)).toEqual({
      appendonly: 'yes',
      appendfsync: 'everysec',
      'min-replicas-to-write': '1',
      'min-replicas-max-lag': '3',
      maxmemory: '192mb',
      'maxmemory-policy': 'allkeys-lru',
    });
    expect(sentinelDeclared(service('sentinel'), repoRoot)).toEqual({ quorum: 2, 'down-after-milliseconds': 3000, 'failover-timeout': 10000, 'parallel-syncs': 1 });
    expect(etcdDeclared(service('etcd'), repoRoot)).toEqual({ 'heartbeat-interval-ms': 100, 'election-timeout-ms': 1000 });
    expect(routerDeclared(service('router'), repoRoot)).toEqual({ maxconn: 2000 });
  });

  it('Redis live: CONFIG GET and INFO of every running member; members from the master; a member that differs shows per member', async () => {
    const policy: Record<number, string> = { 6379: 'allkeys-lru', 6380: 'allkeys-lru', 6381: 'noeviction' };
    const connect: RedisConnector = async (port, password, use) => {
      if (port === 6381) throw new Error('connect ECONNREFUSED 127.0.0.1:6381');
      expect(password).toBe('pw');
      return use({
        command: async (name, ...args) => {
          if (name === 'INFO') return args[0] === 'server' ? '# Server\r\nredis_version:7.0.15\r\n' : port === 6379 ? 'role:master\r\nconnected_slaves:2\r\n' : 'role:slave\r\n';
          return [String(args[1]), args[1] === 'maxmemory-policy' ? policy[port] : 'x'];
        },
      });
    };
    const reading = await redisLive(connect)(ctx('redis', [view(1), view(2), view(3)]));
    expect(reading.values).toMatchObject({ 'maxmemory-policy': 'allkeys-lru', version: '7.0.15', members: 3 });
    expect(reading.problems).toEqual(['redis-3: connect ECONNREFUSED 127.0.0.1:6381']);
    policy[6380] = 'noeviction';
    expect((await redisLive(connect)(ctx('redis', [view(1), view(2)]))).values['maxmemory-policy']).toBe('redis-1=allkeys-lru,redis-2=noeviction');
  });

  it('Sentinel live: SENTINEL MASTER and INFO; members = other Sentinels + 1', async () => {
    const connect: RedisConnector = async (_port, _password, use) =>
      use({
        command: async (name) =>
          name === 'INFO'
            ? 'redis_version:7.0.15\r\n'
            : ['name', 'mymaster', 'quorum', '2', 'down-after-milliseconds', '3000', 'failover-timeout', '10000', 'parallel-syncs', '1', 'num-other-sentinels', '2'],
      });
    const reading = await sentinelLive(connect)(ctx('sentinel', [view(1), view(2), view(3, false)]));
    expect(reading).toEqual({
      values: { version: '7.0.15', quorum: 2, 'down-after-milliseconds': 3000, 'failover-timeout': 10000, 'parallel-syncs': 1, members: 3 },
      problems: [],
    });
  });

  it('helpers: directives of a conf file, agreement between members', () => {
    expect(confDirectives('# c\nsentinel down-after-milliseconds m 3000\nport 26379\n', 'sentinel')).toEqual({ 'down-after-milliseconds': 'm 3000' });
    expect(agreed([['a', 1], ['b', 1], ['c', undefined]])).toBe(1);
    expect(agreed([['a', 'x'], ['b', 'y']])).toBe('a=x,b=y');
    expect(agreed([])).toBeUndefined();
  });
});
