import type { RedisConnector } from '../../clients/redis';
import type { ServiceDefinition } from '../../core/service-config';
import type { MemberView, ProbeContext, ServiceHealth } from '../kind';
import { createRedisRepair } from './repair';

/** Members by host port: each answers INFO replication from its state and records what it was sent. */
function fakeMembers(states: Record<number, { role: 'master' | 'slave'; masterHost?: string; link?: string }>) {
  const sent: Array<{ port: number; command: string[] }> = [];
  const connect: RedisConnector = async (port, _password, use) =>
    use({
      async command(name, ...args) {
        sent.push({ port, command: [name, ...args.map(String)] });
        const state = states[port];
        if (name === 'INFO') {
          return state.role === 'master'
            ? '# Replication\r\nrole:master\r\nconnected_slaves:1\r\n'
            : `# Replication\r\nrole:slave\r\nmaster_host:${state.masterHost}\r\nmaster_port:6379\r\nmaster_link_status:${state.link ?? 'down'}\r\n`;
        }
        return 'OK';
      },
    });
  return { connect, sent };
}

const member = (n: number, running = true): MemberView => ({ member: n, containerName: `paws360-redis-${n}`, hostname: `redis-${n}`, running, hostPorts: { redis: 6378 + n } });
const ctx = (members: MemberView[]): ProbeContext => ({
  runtime: undefined as never,
  stack: 'paws360',
  service: { name: 'redis', config: { ports: [{ name: 'redis', container: 6379, host: 6379 }] } } as unknown as ServiceDefinition,
  members,
  secrets: {},
  secret: () => 'pw',
});
const health = (components: ServiceHealth['components']): ServiceHealth => ({ service: 'redis', healthy: false, durationMs: 0, components });

describe('repairRedis', () => {
  it('points a replica that replicates a dead master at the one master, and leaves a linked replica alone', async () => {
    const { connect, sent } = fakeMembers({ 6379: { role: 'master' }, 6380: { role: 'slave', masterHost: 'redis-1', link: 'up' }, 6381: { role: 'slave', masterHost: 'redis-gone' } });
    const actions = await createRedisRepair(connect)(
      ctx([member(1), member(2), member(3)]),
      health([
        { name: 'paws360-redis-1', status: 'unhealthy', role: 'master', detail: '1 of 2 replicas connected', serving: true },
        { name: 'paws360-redis-2', status: 'healthy', role: 'replica', detail: 'replica of redis-1:6379 · link up', serving: true },
        { name: 'paws360-redis-3', status: 'unhealthy', role: 'replica', detail: 'link to redis-gone:6379 is down', serving: false },
      ]),
    );
    expect(actions).toEqual(['paws360-redis-3: replicated redis-gone:6379 (link down), now a replica of the master redis-1:6379 (REPLICAOF)']);
    expect(sent.filter((s) => s.command[0] === 'REPLICAOF')).toEqual([{ port: 6381, command: ['REPLICAOF', 'redis-1', '6379'] }]);
  });

  it('does nothing with no master or two masters (the Sentinels elect one), nor to a replica of the right master whose link is down', async () => {
    const { connect, sent } = fakeMembers({ 6379: { role: 'master' }, 6380: { role: 'slave', masterHost: 'redis-1', link: 'down' }, 6381: { role: 'master' } });
    const repair = createRedisRepair(connect);
    const twoMasters = health([
      { name: 'paws360-redis-1', status: 'unhealthy', role: 'master', detail: '2 masters', serving: false },
      { name: 'paws360-redis-3', status: 'unhealthy', role: 'master', detail: '2 masters', serving: false },
    ]);
    expect(await repair(ctx([member(1), member(3)]), twoMasters)).toEqual([]);
    expect(await repair(ctx([member(2)]), health([{ name: 'paws360-redis-2', status: 'unhealthy', role: 'replica', detail: 'no master', serving: false }]))).toEqual([]);
    const slowLink = health([
      { name: 'paws360-redis-1', status: 'unhealthy', role: 'master', detail: '0 of 1 replicas connected', serving: true },
      { name: 'paws360-redis-2', status: 'unhealthy', role: 'replica', detail: 'link to redis-1:6379 is down (sync in progress)', serving: false },
    ]);
    expect(await repair(ctx([member(1), member(2)]), slowLink)).toEqual([]);
    expect(sent.filter((s) => s.command[0] === 'REPLICAOF')).toEqual([]);
  });
});
