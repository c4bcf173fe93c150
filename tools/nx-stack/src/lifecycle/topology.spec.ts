import { loadService } from '../core/load-service';
import { ConfigError } from '../core/config-error';
import { Progress } from '../core/progress';
import { CollectingStream, TestWorkspace, serviceJson } from '../testing/executor-context';
import { fakeProbe } from '../testing/fake-probe';
import { FakeRuntime } from '../testing/fake-runtime';
import { LABELS } from '../core/naming';
import { memberSpecs } from './member-spec';
import { hostTopologyEnv, relatedServices, topologyEnv } from './topology';
import { upService, type UpDeps } from './up';

const patroniJson = (replicas: number) =>
  serviceJson({
    description: 'patroni',
    kind: 'patroni',
    replicas,
    dependsOn: ['etcd'],
    ports: [
      { name: 'postgres', container: 5432, host: 5442 },
      { name: 'api', container: 8008, host: 8008 },
    ],
    volumes: [],
  });
const routerJson = serviceJson({
  description: 'router',
  kind: 'router',
  replicas: 1,
  dependsOn: ['patroni'],
  ports: [{ name: 'leader', container: 5432, host: 5432 }],
  volumes: [],
});

describe('topology from the graph', () => {
  let ws: TestWorkspace;
  beforeEach(() => {
    ws = TestWorkspace.create({ etcd: {}, patroni: { config: patroniJson(3) }, router: { config: routerJson } });
  });
  afterEach(() => ws.dispose());
  const load = (name: string) => loadService(ws.root, `infrastructure/${name}`);
  const all = () => ['etcd', 'patroni', 'router'].map(load);

  it('a service is told its own members and each dependency’s members and endpoints, by kind', () => {
    expect(topologyEnv(load('patroni'), all())).toEqual({
      PAWS360_MEMBERS: 'patroni-1,patroni-2,patroni-3',
      PAWS360_ETCD_SERVICE: 'etcd',
      PAWS360_ETCD_MEMBERS: 'etcd-1,etcd-2,etcd-3',
      PAWS360_ETCD_CLIENT_ENDPOINTS: 'etcd-1:2379,etcd-2:2379,etcd-3:2379',
    });
    expect(topologyEnv(load('etcd'), all())).toEqual({ PAWS360_MEMBERS: 'etcd-1,etcd-2,etcd-3' });
  });

  it('patroni replicas: 5 gives a router whose rendered member list has 5 members and whose config hash differs', () => {
    const router = load('router');
    const three = memberSpecs('paws360', router, 'paws360/router:1', {}, {}, topologyEnv(router, all()))[0];
    ws.addService('patroni', { config: patroniJson(5) });
    const five = memberSpecs('paws360', router, 'paws360/router:1', {}, {}, topologyEnv(router, all()))[0];
    expect(three.env.PAWS360_PATRONI_POSTGRES_ENDPOINTS).toBe('patroni-1:5432,patroni-2:5432,patroni-3:5432');
    expect(five.env.PAWS360_PATRONI_POSTGRES_ENDPOINTS).toBe('patroni-1:5432,patroni-2:5432,patroni-3:5432,patroni-4:5432,patroni-5:5432');
    expect(five.env.PAWS360_PATRONI_API_ENDPOINTS.split(',')).toHaveLength(5);
    expect(five.labels[LABELS.configHash]).not.toBe(three.labels[LABELS.configHash]);
  });

  it('up recreates the router when patroni’s replicas change (and keeps it otherwise)', async () => {
    const runtime = new FakeRuntime();
    const deps: UpDeps = {
      runtime,
      workspaceRoot: ws.root,
      stack: 'paws360',
      env: {},
      probe: () => fakeProbe(),
      log: () => undefined,
      progress: new Progress(new CollectingStream(), false),
      pollMs: 1,
      portFree: async () => true,
    };
    const up = (name: string) => upService(deps, load(name), { dependencies: load(name).config.dependsOn.map(load), services: all() });
    for (const name of ['etcd', 'patroni', 'router']) await up(name);
    expect((await up('router')).actions).toEqual({ 'paws360-router-1': 'keep' });
    ws.addService('patroni', { config: patroniJson(5) });
    await up('patroni');
    expect((await up('router')).actions).toEqual({ 'paws360-router-1': 'recreate' });
  });

  it('redis is told the Sentinels (its kind asks) although it does not depend on them; the api gets PGHOST and REDIS_SENTINELS', () => {
    ws.addService('redis', { config: serviceJson({ kind: 'redis', ports: [{ name: 'redis', container: 6379, host: 6379 }] }) });
    ws.addService('sentinel', { config: serviceJson({ kind: 'sentinel', dependsOn: ['redis'], ports: [{ name: 'sentinel', container: 26379, host: 26379 }] }) });
    ws.addService('api', {
      config: serviceJson({
        kind: 'http',
        replicas: 1,
        dependsOn: ['router', 'sentinel'],
        ports: [{ name: 'http', container: 3000, host: 3000 }],
        healthCheck: { port: 'http', path: '/readyz' },
        volumes: [],
      }),
    });
    const services = ['etcd', 'patroni', 'router', 'redis', 'sentinel', 'api'].map(load);
    expect(relatedServices(load('redis'), services).map((s) => s.name)).toEqual(['sentinel']);
    expect(topologyEnv(load('redis'), services).PAWS360_SENTINEL_SENTINEL_ENDPOINTS).toBe('sentinel-1:26379,sentinel-2:26379,sentinel-3:26379');
    expect(topologyEnv(load('sentinel'), services).PAWS360_REDIS_MEMBERS).toBe('redis-1,redis-2,redis-3');
    const api = topologyEnv(load('api'), services);
    expect(api).toMatchObject({ PGHOST: 'router-1', PGPORT: '5432', REDIS_SENTINELS: 'sentinel-1:26379,sentinel-2:26379,sentinel-3:26379' });
  });

  it('the host view of the same topology: published 127.0.0.1 ports (offset applied), a NAT map for what the Sentinels announce, an app dependency as <NAME>_URL', () => {
    ws.addService('redis', { config: serviceJson({ kind: 'redis', ports: [{ name: 'redis', container: 6379, host: 6379 }] }) });
    ws.addService('sentinel', { config: serviceJson({ kind: 'sentinel', dependsOn: ['redis'], ports: [{ name: 'sentinel', container: 26379, host: 26379 }] }) });
    const app = (dependsOn: string[], port: number) =>
      serviceJson({ kind: 'http', replicas: 1, dependsOn, ports: [{ name: 'http', container: port, host: port }], healthCheck: { port: 'http', path: '/' }, volumes: [] });
    ws.addService('api', { config: app(['router', 'sentinel'], 8080) });
    ws.addService('web', { config: app(['api'], 3000) });
    const services = ['etcd', 'patroni', 'router', 'redis', 'sentinel', 'api', 'web'].map(load);
    const env = { PAWS360_PORT_OFFSET: '100', PAWS360_API_HTTP_PORT: '9000' };

    const inNetwork = topologyEnv(load('web'), services);
    expect(inNetwork).toMatchObject({ API_URL: 'http://api-1:8080', PAWS360_HTTP_HTTP_ENDPOINTS: 'api-1:8080' });
    expect(hostTopologyEnv(load('web'), services, env)).toMatchObject({ API_URL: 'http://127.0.0.1:9100', PAWS360_HTTP_HTTP_ENDPOINTS: '127.0.0.1:9100' });

    const api = hostTopologyEnv(load('api'), services, env);
    expect(api).toMatchObject({ PGHOST: '127.0.0.1', PGPORT: '5532', REDIS_SENTINELS: '127.0.0.1:26479,127.0.0.1:26480,127.0.0.1:26481' });
    const nat = Object.fromEntries(api.REDIS_NAT_MAP.split(',').map((pair) => pair.split('=')));
    expect(nat).toMatchObject({ 'redis-1:6379': '127.0.0.1:6479', 'redis-3:6379': '127.0.0.1:6481', 'sentinel-2:26379': '127.0.0.1:26480' });
    // The container view has no translation: inside the network the names resolve.
    expect(topologyEnv(load('api'), services).REDIS_NAT_MAP).toBeUndefined();
  });

  it('two dependencies of one kind are a ConfigError naming the file and both services', () => {
    ws.addService('etcd2', {});
    ws.addService('patroni', { config: { ...patroniJson(3), dependsOn: ['etcd', 'etcd2'] } });
    const services = [...all(), load('etcd2')];
    expect(() => topologyEnv(load('patroni'), services)).toThrow(ConfigError);
    expect(() => topologyEnv(load('patroni'), services)).toThrow(/infrastructure\/patroni\/service\.json[\s\S]*etcd and etcd2 are both of kind "etcd"/);
  });
});
