import { FakeRuntime } from '../testing/fake-runtime';
import { palette } from '../core/colour';
import { renderStats } from './render-stats';
import { humanBytes, stackStats, usageWarnings, type ContainerUsage } from './stats';

const MiB = 1024 ** 2;
const spec = (service: string, member: number, stack = 'paws360') => ({
  name: `${stack}-${service}-${member}`,
  image: 'debian:bookworm-slim',
  hostname: `${service}-${member}`,
  env: {},
  labels: { 'io.paws360.stack': stack, 'io.paws360.service': service, 'io.paws360.member': String(member) },
  network: `${stack}-backend`,
  aliases: [],
  ports: [],
  mounts: [],
  stopTimeoutSeconds: 1,
});

describe('stackStats', () => {
  it('one sample per running container of the stack, in name order (member 10 after 9), totals that are their sums', async () => {
    const runtime = new FakeRuntime();
    for (const member of [10, 9]) runtime.addContainer(spec('redis', member));
    runtime.addContainer(spec('api', 1), 'exited');
    runtime.addContainer(spec('api', 1, 'other-stack'));
    runtime.setStats('paws360-redis-9', { cpuPercent: 1.5, memoryBytes: 10 * MiB, memoryLimitBytes: 256 * MiB, networkRxBytes: 100, pids: 4 });
    runtime.setStats('paws360-redis-10', { cpuPercent: 2.5, memoryBytes: 20 * MiB, memoryLimitBytes: 256 * MiB, networkRxBytes: 50, blockWriteBytes: 7, pids: 5 });
    const stats = await stackStats(runtime, 'paws360', () => ({ path: '/var/lib/docker', freeBytes: 50 * 1024 ** 3, totalBytes: 100 * 1024 ** 3 }));
    expect(stats.containers.map((c) => [c.name, c.state, c.memoryBytes])).toEqual([
      ['paws360-api-1', 'exited', 0],
      ['paws360-redis-9', 'running', 10 * MiB],
      ['paws360-redis-10', 'running', 20 * MiB],
    ]);
    expect(stats.total).toEqual({ cpuPercent: 4, memoryBytes: 30 * MiB, networkRxBytes: 150, networkTxBytes: 0, blockReadBytes: 0, blockWriteBytes: 7, pids: 9 });
    expect(stats.engine).toMatchObject({ memoryBytes: 8 * 1024 ** 3, cpus: 4 });
    expect(stats.warnings).toEqual([]);
    expect(runtime.callsTo('stats')).toHaveLength(2);
  });

  it('a container that vanishes between the list and its sample counts as using nothing', async () => {
    const runtime = new FakeRuntime();
    runtime.addContainer(spec('redis', 1));
    runtime.failOn('stats', 1, new Error('gone'));
    expect((await stackStats(runtime, 'paws360', () => undefined)).total.memoryBytes).toBe(0);
  });

  it('renders a table with a total row; colour only when enabled', async () => {
    const runtime = new FakeRuntime();
    runtime.addContainer(spec('redis', 1));
    runtime.setStats('paws360-redis-1', { cpuPercent: 12.345, memoryBytes: 12 * MiB, memoryLimitBytes: 256 * MiB });
    const text = renderStats(await stackStats(runtime, 'paws360', () => undefined), palette(false));
    expect(text.split('\n')).toEqual([
      'CONTAINER        CPU    MEMORY / LIMIT      NET RX / TX  BLOCK READ / WRITE  PIDS',
      'paws360-redis-1  12.3%  12.0 MiB / 256 MiB  0 B / 0 B    0 B / 0 B           0',
      'total (1)        12.3%  12.0 MiB / 8.0 GiB  0 B / 0 B    0 B / 0 B           0',
    ]);
    expect(text).not.toContain('\u001b[');
  });
});

describe('usageWarnings (FR-019)', () => {
  const usage = (memoryBytes: number, memoryLimitBytes: number): ContainerUsage => ({
    name: 'paws360-redis-1', service: 'redis', member: 1, state: 'running', cpuPercent: 0, memoryBytes, memoryLimitBytes, networkRxBytes: 0, networkTxBytes: 0, blockReadBytes: 0, blockWriteBytes: 0, pids: 1,
  });
  const engine = { memoryBytes: 1024 * MiB, cpus: 2 };
  const total = (memoryBytes: number) => ({ cpuPercent: 0, memoryBytes, networkRxBytes: 0, networkTxBytes: 0, blockReadBytes: 0, blockWriteBytes: 0, pids: 0 });

  it('a member at 90% of its own limit', () => {
    expect(usageWarnings([usage(240 * MiB, 256 * MiB)], total(240 * MiB), engine)).toEqual([
      'paws360-redis-1 uses 240 MiB of its 256 MiB limit (94%): the engine kills it at the limit; raise resources.memory in its service.json',
    ]);
    // No limit of its own (the engine's memory is its limit): no member warning.
    expect(usageWarnings([usage(100 * MiB, 1024 * MiB)], total(100 * MiB), engine)).toEqual([]);
  });

  it('the stack at 80% of the engine’s memory', () => {
    expect(usageWarnings([], total(900 * MiB), engine)[0]).toBe("the stack uses 900 MiB of the engine's 1024 MiB (88%): give the engine more memory or stop other containers");
  });

  it('the engine’s disk under 2 GiB free or 90% used', () => {
    const disk = (free: number, size: number) => ({ ...engine, disk: { path: '/var/lib/docker', freeBytes: free * 1024 ** 3, totalBytes: size * 1024 ** 3 } });
    expect(usageWarnings([], total(0), disk(1, 100))[0]).toContain("the engine's disk (/var/lib/docker) has 1.0 GiB free of 100.0 GiB");
    expect(usageWarnings([], total(0), disk(9, 100))).toHaveLength(1);
    expect(usageWarnings([], total(0), disk(50, 100))).toEqual([]);
  });
});

it('humanBytes', () => {
  expect([0, 1023, 1536, 12.5 * MiB, 300 * MiB, 3 * 1024 ** 3].map(humanBytes)).toEqual(['0 B', '1023 B', '1.5 KiB', '12.5 MiB', '300 MiB', '3.0 GiB']);
});
