import { createServer, type Server } from 'node:http';
import type { ServiceDefinition } from '../../core/service-config';
import type { MemberView, ProbeContext, ServiceHealth } from '../kind';
import { repairPatroni } from './index';

describe('repairPatroni', () => {
  let server: Server;
  let port: number;
  const posts: Array<{ path: string; body: string }> = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        posts.push({ path: `${req.method} ${req.url}`, body });
        res.writeHead(200).end('reinitialize started');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => (posts.length = 0));

  const member = (n: number, running = true): MemberView => ({ member: n, containerName: `paws360-patroni-${n}`, hostname: `patroni-${n}`, running, hostPorts: { api: port, postgres: 5432 + n } });
  const ctx = (members: MemberView[]): ProbeContext => ({ runtime: undefined as never, stack: 'paws360', service: { name: 'patroni' } as ServiceDefinition, members, secrets: {}, secret: () => '' });
  const health = (components: ServiceHealth['components']): ServiceHealth => ({ service: 'patroni', healthy: false, durationMs: 0, components });

  it('reinitialises a running replica that does not stream from the serving leader, and only that one', async () => {
    const actions = await repairPatroni(
      ctx([member(1), member(2), member(3)]),
      health([
        { name: 'paws360-patroni-1', status: 'unhealthy', role: 'leader', detail: 'timeline 3 · 1 streaming', serving: true },
        { name: 'paws360-patroni-2', status: 'healthy', role: 'sync-standby', detail: 'timeline 3 · lag 0 B · sync', serving: true },
        { name: 'paws360-patroni-3', status: 'unhealthy', role: 'replica', detail: 'not streaming from patroni-1 (not in its pg_stat_replication); on timeline 2, leader on 3; timeline 2 · lag ? · not streaming', serving: false },
      ]),
    );
    expect(actions).toEqual([expect.stringMatching(/^paws360-patroni-3: reinitialised from paws360-patroni-1 \(not streaming/)]);
    expect(posts).toEqual([{ path: 'POST /reinitialize', body: '{"force":true}' }]);
  });

  it('does nothing without a serving leader, or for a member that is not running', async () => {
    const noLeader = health([{ name: 'paws360-patroni-2', status: 'unhealthy', role: 'replica', detail: 'not streaming', serving: false }]);
    expect(await repairPatroni(ctx([member(2)]), noLeader)).toEqual([]);
    const stopped = health([
      { name: 'paws360-patroni-1', status: 'healthy', role: 'leader', detail: 'timeline 1', serving: true },
      { name: 'paws360-patroni-2', status: 'unhealthy', role: '-', detail: 'container not running (exited)', serving: false },
    ]);
    expect(await repairPatroni(ctx([member(1), member(2, false)]), stopped)).toEqual([]);
    expect(posts).toEqual([]);
  });
});
