import type { RedisConnector } from '../../clients/redis';
import type { ServiceDefinition } from '../../core/service-config';
import type { MemberView, ProbeContext, ServiceHealth } from '../kind';
import { createSentinelRepair } from './repair';

/** Sentinels by host port, each monitoring a master address (or none); records every command. */
function fakeSentinels(masters: Record<number, string | undefined>) {
  const sent: Array<{ port: number; command: string[] }> = [];
  const connect: RedisConnector = async (port, _password, use) =>
    use({
      async command(name, ...args) {
        const command = [name, ...args.map(String)];
        sent.push({ port, command });
        const addr = masters[port];
        if (command[1] === 'GET-MASTER-ADDR-BY-NAME') return addr ? addr.split(':') : null;
        if (command[1] === 'MASTER') return ['name', 'mymaster', 'quorum', '2', 'down-after-milliseconds', '3000', 'failover-timeout', '10000', 'parallel-syncs', '1'];
        return 'OK';
      },
    });
  return { connect, sent };
}

const member = (n: number, running = true): MemberView => ({ member: n, containerName: `paws360-sentinel-${n}`, hostname: `sentinel-${n}`, running, hostPorts: { sentinel: 26378 + n } });
const ctx = (members: MemberView[]): ProbeContext => ({
  runtime: undefined as never,
  stack: 'paws360',
  service: { name: 'sentinel', config: { env: {} } } as unknown as ServiceDefinition,
  members,
  secrets: {},
  secret: () => 'pw',
});
const unhealthy: ServiceHealth = { service: 'sentinel', healthy: false, durationMs: 0, components: [] };

describe('repairSentinel', () => {
  it('tells a Sentinel that monitors another address the master the majority names, with its quorum, password and timeouts', async () => {
    const { connect, sent } = fakeSentinels({ 26379: 'redis-1:6379', 26380: 'redis-1:6379', 26381: 'redis-2:6379' });
    const actions = await createSentinelRepair(connect)(ctx([member(1), member(2), member(3)]), unhealthy);
    expect(actions).toEqual([
      'paws360-sentinel-3: monitored redis-2:6379, the other Sentinels redis-1:6379; now monitors redis-1:6379 (quorum 2, timeouts as paws360-sentinel-1)',
    ]);
    expect(sent.filter((s) => s.port === 26381 && s.command[1] !== 'GET-MASTER-ADDR-BY-NAME' && s.command[1] !== 'MASTER').map((s) => s.command.join(' '))).toEqual([
      'SENTINEL REMOVE mymaster',
      'SENTINEL MONITOR mymaster redis-1 6379 2',
      'SENTINEL SET mymaster auth-pass pw',
      'SENTINEL SET mymaster down-after-milliseconds 3000 failover-timeout 10000 parallel-syncs 1',
      'SENTINEL FLUSHCONFIG',
    ]);
  });

  it('a Sentinel that monitors nothing is told the master; without a majority nothing is changed', async () => {
    const none = fakeSentinels({ 26379: 'redis-1:6379', 26380: 'redis-1:6379', 26381: undefined });
    expect(await createSentinelRepair(none.connect)(ctx([member(1), member(2), member(3)]), unhealthy)).toEqual([
      expect.stringMatching(/^paws360-sentinel-3: monitored no master named mymaster, the other Sentinels redis-1:6379; now monitors redis-1:6379/),
    ]);
    expect(none.sent.some((s) => s.command[1] === 'REMOVE')).toBe(false);

    const split = fakeSentinels({ 26379: 'redis-1:6379', 26380: 'redis-2:6379', 26381: 'redis-3:6379' });
    expect(await createSentinelRepair(split.connect)(ctx([member(1), member(2), member(3)]), unhealthy)).toEqual([]);
    // Two of three agreeing, but the third is not running: nothing to tell it.
    const down = fakeSentinels({ 26379: 'redis-1:6379', 26380: 'redis-1:6379' });
    expect(await createSentinelRepair(down.connect)(ctx([member(1), member(2), member(3, false)]), unhealthy)).toEqual([]);
    expect([...split.sent, ...down.sent].filter((s) => !['GET-MASTER-ADDR-BY-NAME', 'MASTER'].includes(s.command[1]))).toEqual([]);
  });
});
