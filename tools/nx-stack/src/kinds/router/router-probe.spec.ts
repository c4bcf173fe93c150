import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServiceDefinition } from '../../core/service-config';
import { FakePostgresServer } from '../../testing/fake-postgres-server';
import type { MemberView, ProbeContext } from '../kind';
import { parseStatsCsv, upServers } from '../../clients/haproxy';
import { routerProbe } from './router-probe';

// The start of HAProxy 2.6's /stats;csv (many more columns follow in reality; the parser goes by header names).
const HEADER = '# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,';
const row = (px: string, sv: string, status: string, scur = 0, check = 'L7OK') =>
  `${px},${sv},0,0,${scur},1,,3,0,0,,0,,0,0,0,0,${status},1,1,0,0,0,42,0,,1,2,1,,3,,2,0,,1,${check},`;
const statsCsv = (primaryUp: string[], replicasUp: string[]) =>
  [
    HEADER,
    row('primary', 'FRONTEND', 'OPEN'),
    ...['patroni-1', 'patroni-2', 'patroni-3'].map((s) => row('primary', s, primaryUp.includes(s) ? 'UP' : 'DOWN', primaryUp.includes(s) ? 1 : 0, primaryUp.includes(s) ? 'L7OK' : 'L7STS')),
    row('primary', 'BACKEND', 'UP'),
    row('replicas', 'FRONTEND', 'OPEN'),
    ...['patroni-1', 'patroni-2', 'patroni-3'].map((s) => row('replicas', s, replicasUp.includes(s) ? 'UP' : 'DOWN', 0, replicasUp.includes(s) ? 'L7OK' : 'L7STS')),
    row('replicas', 'BACKEND', 'UP'),
    row('stats', 'FRONTEND', 'OPEN'),
    '',
  ].join('\n');

describe('parseStatsCsv', () => {
  it('returns the servers (not frontends/backends) with their status, and upServers picks a backend’s UP ones', () => {
    const servers = parseStatsCsv(statsCsv(['patroni-2'], ['patroni-1', 'patroni-3']));
    expect(servers).toHaveLength(6);
    expect(servers[1]).toEqual({ backend: 'primary', server: 'patroni-2', status: 'UP', lastChange: 42, checkStatus: 'L7OK', sessions: 1 });
    expect(upServers(servers, 'primary')).toEqual(['patroni-2']);
    expect(upServers(servers, 'replicas')).toEqual(['patroni-1', 'patroni-3']);
  });

  it('refuses something that is not the stats CSV', () => {
    expect(() => parseStatsCsv('<html>')).toThrow('not an HAProxy stats CSV');
  });
});

describe('router probe (imitation PostgreSQL servers and stats page on 127.0.0.1)', () => {
  let leader: FakePostgresServer;
  let replicas: FakePostgresServer;
  let stats: Server;
  let statsPort: number;
  let csv = '';

  beforeAll(async () => {
    leader = await new FakePostgresServer({ password: 'pw' }).start();
    replicas = await new FakePostgresServer({ password: 'pw', inRecovery: true, conninfo: "user=replicator passfile=/tmp/pgpass host=patroni-2 port=5432 application_name=patroni-3 channel_binding=prefer" }).start();
    stats = createServer((req, res) => (req.url === '/stats;csv' ? res.end(csv) : (res.writeHead(404), res.end())));
    await new Promise<void>((resolve) => stats.listen(0, '127.0.0.1', resolve));
    statsPort = (stats.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await leader.stop();
    await replicas.stop();
    await new Promise<void>((resolve) => stats.close(() => resolve()));
  });
  beforeEach(() => {
    csv = statsCsv(['patroni-2'], ['patroni-1', 'patroni-3']);
    leader.state.inRecovery = false;
    replicas.state.inRecovery = true;
  });

  const service = { name: 'router', root: 'infrastructure/router', file: 'service.json', config: {} } as unknown as ServiceDefinition;
  const context = (ports: Partial<Record<'leader' | 'replicas' | 'stats', number>> = {}, running = true): ProbeContext => {
    const view: MemberView = {
      member: 1,
      containerName: 'paws360-router-1',
      hostname: 'router-1',
      container: { id: 'r1', name: 'paws360-router-1', state: running ? 'running' : 'exited', labels: {}, imageId: 'sha256:x', networks: [] },
      running,
      hostPorts: { leader: leader.port, replicas: replicas.port, stats: statsPort, ...ports },
    };
    return { runtime: {} as ProbeContext['runtime'], stack: 'paws360', service, members: [view], secrets: {}, secret: (name) => (name === 'POSTGRES_SUPERUSER_PASSWORD' ? 'pw' : 'nope') };
  };

  it('healthy: a real query through each port; names the member each reached; logs in as postgres with the superuser password', async () => {
    const [component] = await routerProbe.health(context());
    expect(component).toEqual({
      name: 'paws360-router-1',
      status: 'healthy',
      role: 'router',
      detail: `${leader.port} → patroni-2 (read-write); ${replicas.port} → patroni-3 (read-only; pool patroni-1, patroni-3)`,
      serving: true,
    });
    expect(leader.logins.at(-1)).toEqual({ user: 'postgres', database: 'postgres', password: 'pw' });
    expect(leader.queries.at(-1)).toContain('pg_is_in_recovery()');
  });

  it('the leader port reaching a read-only server is unhealthy', async () => {
    leader.state.inRecovery = true;
    const [component] = await routerProbe.health(context());
    expect(component.status).toBe('unhealthy');
    expect(component.detail).toContain(`leader port ${leader.port} reaches a read-only server (in recovery)`);
  });

  it('the replicas port reaching a writable server is unhealthy', async () => {
    const [component] = await routerProbe.health(context({ replicas: leader.port }));
    expect(component.status).toBe('unhealthy');
    expect(component.detail).toContain(`replicas port ${leader.port} reaches a writable server (not in recovery)`);
  });

  it('a port nobody listens on: unhealthy, names the port and the error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const [component] = await routerProbe.health(context({ leader: port }));
    expect(component.status).toBe('unhealthy');
    expect(component.detail).toMatch(new RegExp(`^leader port ${port}: .*ECONNREFUSED`));
  });

  it('two servers UP in the primary backend is unhealthy, even when the query succeeded', async () => {
    csv = statsCsv(['patroni-1', 'patroni-2'], ['patroni-3']);
    const [component] = await routerProbe.health(context());
    expect(component.status).toBe('unhealthy');
    expect(component.detail).toContain('2 servers UP in the primary backend (patroni-1, patroni-2)');
  });

  it('a wrong password is reported, not hidden', async () => {
    const ctx = { ...context(), secret: () => 'wrong' };
    const [component] = await routerProbe.health(ctx);
    expect(component.status).toBe('unhealthy');
    expect(component.detail).toContain('password authentication failed for user "postgres"');
  });

  it('a stopped router container is unhealthy without any connection attempt', async () => {
    const before = leader.logins.length;
    const [component] = await routerProbe.health(context({}, false));
    expect(component).toEqual({ name: 'paws360-router-1', status: 'unhealthy', role: '-', detail: 'container not running (exited)', serving: false });
    expect(leader.logins.length).toBe(before);
  });

  it('inspect: one row per backend server from the stats CSV, and what each port reached', async () => {
    const report = await routerProbe.inspect(context());
    expect(report.columns).toEqual(['router', 'backend', 'server', 'status', 'check', 'lastChange', 'sessions']);
    expect(report.rows).toHaveLength(6);
    expect(report.rows[1]).toEqual({ router: 'paws360-router-1', backend: 'primary', server: 'patroni-2', status: 'UP', check: 'L7OK', lastChange: '42s ago', sessions: 1 });
    expect(report.facts['paws360-router-1']).toMatchObject({ leaderPortReadWrite: true, replicasPortReadOnly: true, replicaReached: 'patroni-3' });
  });
});
