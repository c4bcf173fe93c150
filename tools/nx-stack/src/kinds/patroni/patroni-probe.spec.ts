import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServiceDefinition } from '../../core/service-config';
import type { ContainerState } from '../../runtime/container-runtime';
import type { MemberView, ProbeContext } from '../kind';
import type { PatroniCluster, PatroniConfig, PatroniHistory, PatroniStatus } from '../../clients/patroni';
import { patroniProbe } from './patroni-probe';

/** What one imitation member answers; `hang` never answers (a frozen member). */
interface Answers {
  patroni?: PatroniStatus;
  cluster?: PatroniCluster;
  history?: PatroniHistory;
  config?: PatroniConfig;
  hang?: boolean;
}

/** Imitations of Patroni 3.0.2's REST API, shaped like what the real members return. */
const primary = (replication: PatroniStatus['replication'], overrides: Partial<PatroniStatus> = {}): PatroniStatus => ({
  state: 'running',
  role: 'master',
  xlog: { location: 67109720 },
  timeline: 2,
  replication,
  database_system_identifier: '7711010999068450844',
  patroni: { version: '3.0.2', scope: 'paws360' },
  ...overrides,
});
const replica = (position: number, overrides: Partial<PatroniStatus> = {}): PatroniStatus => ({
  state: 'running',
  role: 'replica',
  xlog: { received_location: position, replayed_location: position, paused: false },
  timeline: 2,
  database_system_identifier: '7711010999068450844',
  patroni: { version: '3.0.2', scope: 'paws360' },
  ...overrides,
});
const streaming = (name: string, sync: 'sync' | 'async') => ({
  usename: 'replicator',
  application_name: name,
  client_addr: '172.30.0.6',
  state: 'streaming',
  sync_state: sync,
});
const cluster = (leader: string, sync: string, others: string[]): PatroniCluster => ({
  members: [
    { name: leader, role: 'leader', state: 'running', host: leader, port: 5432, timeline: 2 },
    { name: sync, role: 'sync_standby', state: 'running', host: sync, port: 5432, timeline: 2, lag: 0 },
    ...others.map((name) => ({ name, role: 'replica', state: 'running', host: name, port: 5432, timeline: 2, lag: 0 })),
  ],
});

const healthyAnswers = (): Answers[] => {
  const dcs = cluster('patroni-1', 'patroni-2', ['patroni-3']);
  return [
    {
      patroni: primary([streaming('patroni-2', 'sync'), streaming('patroni-3', 'async')]),
      cluster: dcs,
      history: [[1, 67109720, 'no recovery target specified', '2026-11-22T15:03:53+00:00', 'patroni-1']],
    },
    { patroni: replica(67109720, { sync_standby: true }), cluster: dcs },
    { patroni: replica(67109720), cluster: dcs },
  ];
};

describe('patroni probe (against imitation REST APIs on 127.0.0.1)', () => {
  const servers: Server[] = [];
  const ports: number[] = [];
  const answers: Answers[] = [];
  const seen: string[][] = [[], [], []];

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) {
      const server = createServer((req, res) => {
        seen[i].push(req.url ?? '');
        const a = answers[i];
        if (a.hang) return; // never answers
        const body = req.url === '/patroni' ? a.patroni : req.url === '/cluster' ? a.cluster : req.url === '/history' ? (a.history ?? []) : req.url === '/config' ? a.config : undefined;
        if (body === undefined) {
          res.writeHead(404);
          return res.end('not found');
        }
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(body));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      servers.push(server);
      ports.push((server.address() as AddressInfo).port);
    }
  });
  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
  beforeEach(() => {
    answers.splice(0, answers.length, ...healthyAnswers());
    for (const s of seen) s.length = 0;
  });

  const service = { name: 'patroni', root: 'infrastructure/patroni', file: 'service.json', config: {} } as unknown as ServiceDefinition;
  const context = (states: ContainerState[] = ['running', 'running', 'running']): ProbeContext => ({
    runtime: {} as ProbeContext['runtime'],
    stack: 'paws360',
    service,
    secrets: {},
    secret: () => 'pw',
    members: ports.map(
      (port, i): MemberView => ({
        member: i + 1,
        containerName: `paws360-patroni-${i + 1}`,
        hostname: `patroni-${i + 1}`,
        container: { id: `id${i + 1}`, name: `paws360-patroni-${i + 1}`, state: states[i], labels: {}, imageId: 'sha256:x', networks: ['paws360-backend'] },
        running: states[i] === 'running',
        hostPorts: { postgres: 15432 + i, api: port },
      }),
    ),
  });

  it('healthy: one leader, a sync standby and a replica, all streaming on one timeline; members asked in parallel', async () => {
    const components = await patroniProbe.health(context());
    expect(components).toEqual([
      { name: 'paws360-patroni-1', status: 'healthy', role: 'leader', detail: 'timeline 2 · 2 streaming (sync: patroni-2)', serving: true },
      { name: 'paws360-patroni-2', status: 'healthy', role: 'sync-standby', detail: 'timeline 2 · lag 0 B · sync', serving: true },
      { name: 'paws360-patroni-3', status: 'healthy', role: 'replica', detail: 'timeline 2 · lag 0 B · async', serving: true },
    ]);
    for (const s of seen) expect(s.sort()).toEqual(['/cluster', '/patroni']);
  });

  it('synchronous mode with no synchronous standby chosen yet (just after a switchover): the leader is unhealthy but serving, naming why', async () => {
    const dcs = cluster('patroni-1', 'patroni-2', ['patroni-3']);
    dcs.members[1].role = 'replica';
    answers[0] = { patroni: primary([streaming('patroni-2', 'async'), streaming('patroni-3', 'async')]), cluster: dcs, config: { synchronous_mode: true } };
    answers[1] = { patroni: replica(67109720), cluster: dcs, config: { synchronous_mode: true } };
    answers[2] = { patroni: replica(67109720), cluster: dcs, config: { synchronous_mode: true } };
    const [leader, second, third] = await patroniProbe.health(context());
    expect(leader).toMatchObject({ status: 'unhealthy', role: 'leader', serving: true });
    expect(leader.detail).toContain('no synchronous standby chosen yet: Patroni cannot fail over until it picks one');
    expect([second.status, third.status]).toEqual(['healthy', 'healthy']);
    // Only the leader is asked for the configuration, and only because no stream is synchronous.
    expect(seen.map((s) => s.includes('/config'))).toEqual([true, false, false]);
  });

  it('asynchronous mode: replicas streaming with none synchronous is healthy', async () => {
    answers[0].patroni = primary([streaming('patroni-2', 'async'), streaming('patroni-3', 'async')]);
    answers[0].config = { synchronous_mode: false };
    answers[1].patroni = replica(67109720);
    const components = await patroniProbe.health(context());
    expect(components.map((c) => c.status)).toEqual(['healthy', 'healthy', 'healthy']);
  });

  it('a replica a little behind is still healthy and shows its lag', async () => {
    answers[2].patroni = replica(67109720 - 4096);
    const [, , third] = await patroniProbe.health(context());
    expect(third).toMatchObject({ status: 'healthy', detail: 'timeline 2 · lag 4.0 kB · async' });
  });

  it('no leader: every member is unhealthy and says so', async () => {
    answers[0].patroni = replica(67109720);
    for (const a of answers) a.cluster = { members: a.cluster!.members.map((m) => ({ ...m, role: 'replica' })) };
    const components = await patroniProbe.health(context());
    expect(components.map((c) => c.status)).toEqual(['unhealthy', 'unhealthy', 'unhealthy']);
    expect(components.map((c) => c.role)).not.toContain('leader');
    for (const c of components) expect(c.detail).toContain('no leader');
  });

  it('two leaders (split brain): both reported as leader, nobody healthy', async () => {
    answers[1].patroni = primary([], { timeline: 3 });
    const components = await patroniProbe.health(context());
    expect(components.filter((c) => c.role === 'leader').map((c) => c.name)).toEqual(['paws360-patroni-1', 'paws360-patroni-2']);
    expect(components.every((c) => c.status === 'unhealthy')).toBe(true);
    expect(components[0].detail).toContain('2 primaries (patroni-1, patroni-2): split brain');
  });

  it('a primary that does not hold the leader key in etcd is not healthy', async () => {
    const dcs = cluster('patroni-2', 'patroni-1', ['patroni-3']);
    for (const a of answers) a.cluster = dcs;
    const [first] = await patroniProbe.health(context());
    expect(first).toMatchObject({ status: 'unhealthy', role: 'leader' });
    expect(first.detail).toContain('primary without the leader key (etcd says: patroni-2)');
  });

  it('a replica 2 MB behind is unhealthy (limit 1 MB); the others stay healthy', async () => {
    answers[2].patroni = replica(67109720 - 2 * 1024 * 1024);
    const components = await patroniProbe.health(context());
    expect(components[2]).toMatchObject({ status: 'unhealthy', role: 'replica' });
    expect(components[2].detail).toContain('lag 2.0 MB (limit 1 MB)');
    expect(components.slice(0, 2).map((c) => c.status)).toEqual(['healthy', 'healthy']);
  });

  it('a replica the leader does not list in pg_stat_replication is not streaming', async () => {
    answers[0].patroni = primary([streaming('patroni-2', 'sync')]);
    const components = await patroniProbe.health(context());
    expect(components[2].status).toBe('unhealthy');
    expect(components[2].detail).toContain('not streaming from patroni-1');
  });

  it('a replica still catching up on the replication protocol is not healthy', async () => {
    answers[0].patroni = primary([streaming('patroni-2', 'sync'), { ...streaming('patroni-3', 'async'), state: 'catchup' }]);
    const [, , third] = await patroniProbe.health(context());
    expect(third.detail).toContain('replication from patroni-1 is catchup, not streaming');
  });

  it('a replica on an older timeline is not healthy', async () => {
    answers[2].patroni = replica(67109720, { timeline: 1 });
    const [, , third] = await patroniProbe.health(context());
    expect(third).toMatchObject({ status: 'unhealthy' });
    expect(third.detail).toContain('on timeline 1, leader on 2');
  });

  it('a stopped container is unhealthy (not even asked); PostgreSQL stopped inside a running one too', async () => {
    answers[0].patroni = primary([streaming('patroni-2', 'sync')]);
    const components = await patroniProbe.health(context(['running', 'running', 'exited']));
    expect(components[2]).toEqual({ name: 'paws360-patroni-3', status: 'unhealthy', role: '-', detail: 'container not running (exited)', serving: false });
    expect(seen[2]).toEqual([]);
    expect(components.slice(0, 2).map((c) => c.status)).toEqual(['healthy', 'healthy']);

    answers[2].patroni = { state: 'stopped', role: 'replica', patroni: { version: '3.0.2', scope: 'paws360' } };
    const again = await patroniProbe.health(context());
    expect(again[2].status).toBe('unhealthy');
    expect(again[2].detail).toMatch(/^PostgreSQL is stopped; timeline \? · lag \? · not streaming$/);
  });

  it('a member whose API does not answer costs at most the short timeout, and names the URL', async () => {
    answers[2].hang = true;
    const started = performance.now();
    const components = await patroniProbe.health(context());
    expect(performance.now() - started).toBeLessThan(1000);
    expect(components[2].status).toBe('unhealthy');
    expect(components[2].detail).toContain(`no answer from http://127.0.0.1:${ports[2]}/patroni`);
    expect(components[0].status).toBe('healthy');
  });

  it('inspect: the topology table and the cluster facts (leader, sync standby, timeline, history, scope)', async () => {
    answers[2].patroni = replica(67109720 - 100);
    const report = await patroniProbe.inspect(context());
    expect(report.columns).toEqual(['member', 'role', 'state', 'timeline', 'lagBytes', 'sync', 'hostPort', 'api']);
    expect(report.rows).toEqual([
      { member: 'paws360-patroni-1', role: 'leader', state: 'running', timeline: 2, lagBytes: null, sync: null, hostPort: '127.0.0.1:15432', api: `127.0.0.1:${ports[0]}` },
      { member: 'paws360-patroni-2', role: 'sync-standby', state: 'running', timeline: 2, lagBytes: 0, sync: 'sync', hostPort: '127.0.0.1:15433', api: `127.0.0.1:${ports[1]}` },
      { member: 'paws360-patroni-3', role: 'replica', state: 'running', timeline: 2, lagBytes: 100, sync: 'async', hostPort: '127.0.0.1:15434', api: `127.0.0.1:${ports[2]}` },
    ]);
    expect(report.facts).toEqual({
      scope: 'paws360',
      leader: 'patroni-1',
      synchronousStandbys: ['patroni-2'],
      timeline: 2,
      systemIdentifier: '7711010999068450844',
      patroniVersion: '3.0.2',
      paused: false,
      failovers: [{ timeline: 1, lsn: 67109720, reason: 'no recovery target specified', at: '2026-11-22T15:03:53+00:00', newLeader: 'patroni-1' }],
    });
    expect(seen[0]).toContain('/history');
  });
});
