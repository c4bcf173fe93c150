import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serviceConfigSchema, type ServiceDefinition, type ServiceKind } from '../../core/service-config';
import type { ContainerState } from '../../runtime/container-runtime';
import { FakeRuntime } from '../../testing/fake-runtime';
import type { MemberView, ProbeContext } from '../kind';
import { APPLIED_INDEX_WINDOW, createEtcdProbe, etcdProbe } from './etcd-probe';
import { probeFor } from '../registry';

/** What one imitated etcd member answers. */
interface MemberState {
  id: string;
  leader: string;
  revision: number;
  health: { health: string; reason?: string };
  /** HTTP status of /health (etcd answers 503 when unhealthy). */
  healthStatus?: number;
  /** Raft entries it applies between two status requests (a follower catching up). */
  catchUpPerStatus?: number;
}

// etcd's JSON gateway writes uint64 ids as decimal strings.
const IDS = ['10276657743932975437', '10501334649042878790', '18249187646912138824'];
const CLUSTER_ID = '14841639068965178418';
const hex = (id: string) => BigInt(id).toString(16);

interface FakeEtcd {
  server: Server;
  port: number;
  state: MemberState;
  requests: string[];
}

/** An HTTP server on 127.0.0.1 (port 0) that imitates etcd's /health and v3 JSON gateway for one member. */
async function startMember(state: MemberState): Promise<FakeEtcd> {
  const member: Partial<FakeEtcd> = { state, requests: [] };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      member.requests!.push(`${req.method} ${req.url} ${body}`);
      const s = member.state!;
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (req.method === 'GET' && req.url === '/health') return json(s.healthStatus ?? 200, s.health);
      if (req.method === 'POST' && req.url === '/v3/maintenance/status') {
        const answer = {
          header: { cluster_id: CLUSTER_ID, member_id: s.id, revision: String(s.revision), raft_term: '3' },
          version: '3.4.34',
          dbSize: '20480',
          leader: s.leader,
          raftIndex: String(100 + s.revision),
          raftTerm: '3',
        };
        s.revision += s.catchUpPerStatus ?? 0;
        return json(200, answer);
      }
      if (req.method === 'POST' && req.url === '/v3/cluster/member/list') {
        return json(200, {
          header: { cluster_id: CLUSTER_ID },
          members: IDS.map((id, i) => ({ ID: id, name: `etcd-${i + 1}`, peerURLs: [`http://etcd-${i + 1}:2380`], clientURLs: [`http://etcd-${i + 1}:2379`] })),
        });
      }
      if (req.method === 'POST' && req.url === '/v3/kv/range') return json(200, { header: {}, count: '12' });
      json(404, { error: 'not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  member.server = server;
  member.port = (server.address() as AddressInfo).port;
  return member as FakeEtcd;
}

const stop = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

const service: ServiceDefinition = {
  name: 'etcd',
  root: 'infrastructure/etcd',
  file: '/ws/infrastructure/etcd/service.json',
  config: serviceConfigSchema.parse({ description: 'etcd', kind: 'etcd', replicas: 3, ports: [{ name: 'client', container: 2379, host: 2379 }] }),
};

describe('etcd probe (against imitated etcd members on 127.0.0.1)', () => {
  let members: FakeEtcd[];
  let states: ContainerState[];

  beforeEach(async () => {
    states = ['running', 'running', 'running'];
    members = await Promise.all(
      IDS.map((id) => startMember({ id, leader: IDS[0], revision: 42, health: { health: 'true' } })),
    );
  });
  afterEach(async () => {
    await Promise.all(members.map((m) => (m.server.listening ? stop(m.server) : undefined)));
  });

  const context = (): ProbeContext => ({
    runtime: new FakeRuntime(),
    stack: 'paws360',
    service,
    secrets: {},
    secret: () => '',
    members: members.map(
      (m, i): MemberView => ({
        member: i + 1,
        containerName: `paws360-etcd-${i + 1}`,
        hostname: `etcd-${i + 1}`,
        container: { id: `c${i + 1}`, name: `paws360-etcd-${i + 1}`, state: states[i], labels: {}, imageId: 'sha256:1', networks: ['paws360-backend'] },
        running: states[i] === 'running',
        hostPorts: { client: m.port },
      }),
    ),
  });

  it('is the probe for kind etcd', () => {
    expect(probeFor('etcd')).toBe(etcdProbe);
    expect(() => probeFor('no-such-kind' as ServiceKind)).toThrow('no module for service kind "no-such-kind"');
  });

  it('healthy cluster: one leader everyone agrees on, all at its revision', async () => {
    const health = await etcdProbe.health(context());
    expect(health).toEqual([
      { name: 'paws360-etcd-1', status: 'healthy', role: 'leader', detail: 'rev 42 · term 3 · index 142 · db 20 kB', serving: true },
      { name: 'paws360-etcd-2', status: 'healthy', role: 'follower', detail: 'rev 42 · term 3 · index 142 · db 20 kB', serving: true },
      { name: 'paws360-etcd-3', status: 'healthy', role: 'follower', detail: 'rev 42 · term 3 · index 142 · db 20 kB', serving: true },
    ]);
    // It asks /health first, then the status (POST with a JSON body).
    expect(members[1].requests).toEqual(['GET /health ', 'POST /v3/maintenance/status {}']);
  });

  it('one member down: that member is unhealthy with the URL and the reason, the others stay healthy', async () => {
    await stop(members[2].server);
    const health = await etcdProbe.health(context());
    expect(health.map((c) => c.status)).toEqual(['healthy', 'healthy', 'unhealthy']);
    expect(health[2].detail).toBe(`no answer from http://127.0.0.1:${members[2].port}/health (ECONNREFUSED)`);
    expect(health[2].role).toBe('-');
  });

  it('a member that reports itself unhealthy: its reason is shown', async () => {
    members[1].state.health = { health: 'false', reason: 'NOSPACE' };
    const health = await etcdProbe.health(context());
    expect(health[1]).toMatchObject({ status: 'unhealthy', detail: 'etcd reports unhealthy: NOSPACE' });
    expect(health[0].status).toBe('healthy');
  });

  it('a 503 from /health is reported with the status and body', async () => {
    members[1].state.healthStatus = 503;
    members[1].state.health = { health: 'false', reason: 'RAFT NO LEADER' };
    const [, second] = await etcdProbe.health(context());
    expect(second.status).toBe('unhealthy');
    expect(second.detail).toContain(`http://127.0.0.1:${members[1].port}/health answered 503`);
    expect(second.detail).toContain('RAFT NO LEADER');
  });

  it('two leaders (split brain): every member is unhealthy and the detail lists both leaders', async () => {
    members[2].state.leader = IDS[2];
    const health = await etcdProbe.health(context());
    expect(health.map((c) => c.status)).toEqual(['unhealthy', 'unhealthy', 'unhealthy']);
    for (const component of health) {
      expect(component.detail).toMatch(new RegExp(`^members disagree on the leader \\((${IDS[0]}, ${IDS[2]}|${IDS[2]}, ${IDS[0]})\\); rev 42`));
    }
    expect(health.map((c) => c.role)).toEqual(['leader', 'follower', 'leader']);
  });

  it('a follower a few entries behind the leader (Patroni writing every loop_wait) is healthy: no exact-equality check', async () => {
    members[1].state.revision = 42 - APPLIED_INDEX_WINDOW;
    members[2].state.revision = 41;
    const health = await createEtcdProbe({ reprobeMs: 10 }).health(context());
    expect(health.map((c) => c.status)).toEqual(['healthy', 'healthy', 'healthy']);
    expect(health[1].detail).toContain(`(${APPLIED_INDEX_WINDOW} behind)`);
    // Within the window nobody is asked twice.
    expect(members[1].requests.filter((r) => r.includes('status'))).toHaveLength(1);
  });

  it('a follower further behind that catches up with where the leader was on a second look is healthy', async () => {
    members[0].state.revision = members[2].state.revision = 242;
    members[1].state.catchUpPerStatus = 200;
    const health = await createEtcdProbe({ reprobeMs: 10 }).health(context());
    expect(health.map((c) => c.status)).toEqual(['healthy', 'healthy', 'healthy']);
    expect(members[1].requests.filter((r) => r.includes('status'))).toHaveLength(2);
  });

  it('a follower far behind that does not converge is unhealthy, naming both indexes and the re-probe', async () => {
    members[0].state.revision = members[2].state.revision = 242;
    members[1].state.catchUpPerStatus = 5;
    const health = await createEtcdProbe({ reprobeMs: 10 }).health(context());
    expect(health.map((c) => c.status)).toEqual(['healthy', 'unhealthy', 'healthy']);
    expect(health[1].detail).toBe(
      `applied index 142, leader at 342 (more than ${APPLIED_INDEX_WINDOW} behind) and still at 147 10 ms later; rev 42 · term 3 · index 142 (200 behind) · db 20 kB`,
    );
    // Unhealthy, but it still serves: dependents can start on a quorum.
    expect(health[1].serving).toBe(true);
  });

  it('no leader elected: every member says so', async () => {
    for (const m of members) m.state.leader = '0';
    const health = await etcdProbe.health(context());
    expect(health.map((c) => c.detail.split(';')[0])).toEqual(['no leader', 'no leader', 'no leader']);
  });

  it('the leader does not answer: the followers cannot be judged healthy', async () => {
    await stop(members[0].server);
    const health = await etcdProbe.health(context());
    expect(health.map((c) => c.status)).toEqual(['unhealthy', 'unhealthy', 'unhealthy']);
    expect(health[1].detail).toMatch(/^its leader does not answer; /);
  });

  it('a stopped container is not asked over the network: "container not running"', async () => {
    states[2] = 'exited';
    const health = await etcdProbe.health(context());
    expect(health[2]).toEqual({ name: 'paws360-etcd-3', status: 'unhealthy', role: '-', detail: 'container not running (exited)', serving: false });
    expect(members[2].requests).toEqual([]);
    expect(health[0].status).toBe('healthy');
  });

  it('inspect: a row per member and the cluster facts (ids in hex, key count, member list)', async () => {
    states[2] = 'exited';
    const report = await etcdProbe.inspect(context());
    expect(report.service).toBe('etcd');
    expect(report.columns).toEqual(['member', 'id', 'state', 'role', 'revision', 'raftTerm', 'raftIndex', 'dbSize', 'endpoint']);
    expect(report.rows[0]).toEqual({
      member: 'paws360-etcd-1',
      id: hex(IDS[0]),
      state: 'running',
      role: 'leader',
      revision: 42,
      raftTerm: 3,
      raftIndex: 142,
      dbSize: '20 kB',
      endpoint: `127.0.0.1:${members[0].port}`,
    });
    expect(report.rows[2]).toMatchObject({ member: 'paws360-etcd-3', id: null, state: 'exited', role: '-', revision: null });
    expect(report.facts).toEqual({
      clusterId: hex(CLUSTER_ID),
      version: '3.4.34',
      leader: hex(IDS[0]),
      keys: 12,
      members: IDS.map((id, i) => ({
        id: hex(id),
        name: `etcd-${i + 1}`,
        peerURLs: [`http://etcd-${i + 1}:2380`],
        clientURLs: [`http://etcd-${i + 1}:2379`],
      })),
    });
    // Every key, counted only: key and range_end "\0".
    expect(members[0].requests).toContain('POST /v3/kv/range {"key":"AA==","range_end":"AA==","count_only":true}');
  });

  it('inspect with no member reachable: rows say why, facts are empty', async () => {
    await Promise.all(members.map((m) => stop(m.server)));
    const report = await etcdProbe.inspect(context());
    expect(report.rows.map((r) => r.role)).toEqual(report.rows.map((_, i) => `no answer from http://127.0.0.1:${members[i].port}/health (ECONNREFUSED)`));
    expect(report.facts).toEqual({ clusterId: null, version: null, leader: null, keys: null, members: [] });
  });
});
