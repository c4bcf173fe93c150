import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serviceConfigSchema } from '../../core/service-config';
import { relatedServices } from '../../lifecycle/topology';
import type { MemberView, ProbeContext } from '../kind';
import { KINDS } from '../registry';
import { parsePrometheusLogLine } from './log-line';
import { prometheusProbe } from './prometheus-probe';
import { EXPORTER_BASE_PORT, prometheusConfig } from './scrape-config';

const def = (name: string, config: Record<string, unknown>) => ({ name, root: `infrastructure/${name}`, file: `${name}/service.json`, config: serviceConfigSchema.parse({ description: name, ...config }) });
const services = [
  def('etcd', { kind: 'etcd', replicas: 3, ports: [{ name: 'client', container: 2379, host: 2379 }] }),
  def('patroni', { kind: 'patroni', replicas: 2, ports: [{ name: 'postgres', container: 5432, host: 5442 }, { name: 'api', container: 8008, host: 8008 }] }),
  def('router', { kind: 'router', replicas: 1, ports: [{ name: 'stats', container: 7000, host: 7000 }] }),
  def('redis', { kind: 'redis', replicas: 2, ports: [{ name: 'redis', container: 6379, host: 6379 }] }),
  def('api', { kind: 'http', replicas: 1, ports: [{ name: 'http', container: 8080, host: 8080 }], healthCheck: { port: 'http', path: '/h' }, metrics: { port: 'http', path: '/metrics' } }),
  def('web', { kind: 'http', replicas: 1, ports: [{ name: 'http', container: 3000, host: 3000 }], healthCheck: { port: 'http', path: '/h' } }),
];
const prometheus = def('prometheus', { kind: 'prometheus', profile: 'observe', replicas: 1, dependsOn: ['etcd', 'patroni', 'router', 'redis', 'api'], ports: [{ name: 'http', container: 9090, host: 9090 }] });

describe('scrape targets generated from the service definitions', () => {
  it('each kind says what it exposes; Prometheus is told the services it depends on', () => {
    const related = relatedServices(prometheus, [...services, prometheus]);
    expect(related.map((s) => [s.name, s.scrape?.map((t) => [t.job, t.targets.join(','), t.path ?? t.exporter])])).toEqual([
      ['etcd', [['etcd', 'etcd-1:2379,etcd-2:2379,etcd-3:2379', '/metrics']]],
      ['patroni', [['patroni', 'patroni-1:8008,patroni-2:8008', '/metrics'], ['patroni-postgres', 'patroni-1:5432,patroni-2:5432', 'postgres']]],
      ['router', [['router', 'router-1:7000', '/metrics']]],
      ['redis', [['redis', 'redis-1:6379,redis-2:6379', 'redis']]],
      ['api', [['api', 'api-1:8080', '/metrics']]],
    ]);
    // An application without a metrics endpoint in its service.json is not scraped.
    expect(KINDS.http.scrape?.(relatedServices(def('x', { kind: 'http', replicas: 1, dependsOn: ['web'], ports: [{ name: 'http', container: 1, host: 1 }], healthCheck: { port: 'http', path: '/h' } }), services)[0])).toEqual([]);
  });

  it('prometheus.yml: a job per endpoint, a target per member labelled with it; exporters on local ports', () => {
    const { yaml, exporters } = prometheusConfig(relatedServices(prometheus, [...services, prometheus]));
    expect(exporters).toEqual([
      `postgres ${EXPORTER_BASE_PORT} patroni-1:5432`,
      `postgres ${EXPORTER_BASE_PORT + 1} patroni-2:5432`,
      `redis ${EXPORTER_BASE_PORT + 2} redis-1:6379`,
      `redis ${EXPORTER_BASE_PORT + 3} redis-2:6379`,
    ]);
    expect(yaml).toContain('scrape_interval: 5s');
    expect(yaml).toContain('  - job_name: "etcd"\n    static_configs:\n      - targets: ["etcd-1:2379"]\n        labels: { instance: "etcd-1:2379", member: "etcd-1" }');
    expect(yaml).toContain(`  - job_name: "patroni-postgres"\n    static_configs:\n      - targets: ["localhost:${EXPORTER_BASE_PORT}"]\n        labels: { instance: "patroni-1:5432", member: "patroni-1" }`);
    expect(yaml.match(/job_name/g)).toHaveLength(7);
    expect(KINDS.prometheus.render?.(relatedServices(prometheus, [...services, prometheus]), { where: 'network' })).toEqual({ PAWS360_PROMETHEUS_YML: yaml, PAWS360_EXPORTERS: exporters.join('\n') });
  });

  it('logfmt lines: level and ts', () => {
    expect(parsePrometheusLogLine('ts=2026-11-29T02:00:01.123Z caller=main.go:585 level=warn msg="x"')).toEqual({ level: 'warn', timeMs: Date.parse('2026-11-29T02:00:01.123Z') });
    expect(parsePrometheusLogLine('prometheus entrypoint: 4 exporters started')).toEqual({ level: undefined });
  });
});

describe('prometheus probe: healthy when every target is up', () => {
  let server: Server;
  let answer: unknown;
  beforeEach(async () => {
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(answer));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const ctx = (): ProbeContext => {
    const view: MemberView = { member: 1, containerName: 'paws360-prometheus-1', hostname: 'prometheus-1', running: true, hostPorts: { http: (server.address() as AddressInfo).port } };
    return { runtime: {} as never, stack: 'paws360', service: prometheus, members: [{ ...view, container: { id: 'x', name: view.containerName, state: 'running', labels: {}, imageId: 'i', networks: [] } }], secrets: {}, secret: () => '' };
  };
  const target = (job: string, instance: string, health: string, lastError = '') => ({ labels: { job, instance }, health, lastError, scrapeUrl: `http://${instance}/metrics` });

  it('all up: healthy, "N/N targets up"', async () => {
    answer = { data: { activeTargets: [target('etcd', 'etcd-1:2379', 'up'), target('redis', 'redis-1:6379', 'up')] } };
    expect(await prometheusProbe.health(ctx())).toEqual([{ name: 'paws360-prometheus-1', status: 'healthy', role: 'server', detail: '2/2 targets up', serving: true }]);
  });

  it('one down: unhealthy, names it and its error', async () => {
    answer = { data: { activeTargets: [target('etcd', 'etcd-1:2379', 'up'), target('router', 'router-1:7000', 'down', 'server returned HTTP status 404')] } };
    const [component] = await prometheusProbe.health(ctx());
    expect(component).toMatchObject({ status: 'unhealthy', detail: '1/2 targets up; not up: router router-1:7000 (server returned HTTP status 404)' });
    const report = await prometheusProbe.inspect(ctx());
    expect(report.rows).toEqual([
      { job: 'etcd', instance: 'etcd-1:2379', health: 'up', error: null },
      { job: 'router', instance: 'router-1:7000', health: 'down', error: 'server returned HTTP status 404' },
    ]);
    expect(report.facts).toMatchObject({ targets: 2, up: 1 });
  });
});
