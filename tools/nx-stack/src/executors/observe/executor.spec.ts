// Specs hand executors their own runtime, so the real one is never made: keep
// dockerode (slow to load) out of this suite.
jest.mock('../../runtime/dockerode-runtime', () => ({ DockerodeRuntime: jest.fn() }));

import { TestWorkspace, serviceJson, testDeps } from '../../testing/executor-context';
import { fakeProbe } from '../../testing/fake-probe';
import { FakeRuntime } from '../../testing/fake-runtime';
import { SERVICE_TAG } from '../../core/constants';
import { allServices } from '../executor-support';
import upExecutor from '../up/executor';
import observeExecutor from './executor';

const prometheusJson = serviceJson({
  kind: 'prometheus',
  profile: 'observe',
  replicas: 1,
  dependsOn: ['etcd'],
  ports: [{ name: 'http', container: 9090, host: 9090 }],
  volumes: [],
});

describe('observe executor', () => {
  let ws: TestWorkspace;
  let runtime: FakeRuntime;
  beforeEach(async () => {
    process.env.NO_COLOR = '1';
    ws = TestWorkspace.create({ etcd: {}, prometheus: { config: prometheusJson } });
    runtime = new FakeRuntime();
  });
  afterEach(() => {
    delete process.env.NO_COLOR;
    ws.dispose();
  });
  const withProbe = () => testDeps(runtime, { probe: () => fakeProbe() });

  it('starts the profile’s services on the running stack: health table, the UI on 127.0.0.1', async () => {
    expect(await upExecutor({}, ws.context('etcd'), withProbe().deps)).toEqual({ success: true });
    const { deps, logs } = withProbe();
    expect(await observeExecutor({}, ws.context('stack', 'observe'), deps)).toEqual({ success: true });
    expect(runtime.containers.size).toBe(4);
    expect([...runtime.containers.values()].map((c) => c.name)).toContain('paws360-prometheus-1');
    expect(logs.join('\n')).toContain('prometheus: http://127.0.0.1:9090');
    expect(logs.at(-1)).toMatch(/^profile observe: every target up \d+\.\d s after the start$/);
  });

  it('--json: one line', async () => {
    await upExecutor({}, ws.context('etcd'), withProbe().deps);
    const { deps, logs } = withProbe();
    await observeExecutor({ json: true }, ws.context('stack', 'observe'), deps);
    expect(logs).toHaveLength(1);
    expect(JSON.parse(logs[0])).toMatchObject({ profile: 'observe', healthy: true, urls: [{ service: 'prometheus', url: 'http://127.0.0.1:9090' }] });
  });

  it('the stack is not running: fails before creating anything, naming the dependency', async () => {
    const { deps, errors } = withProbe();
    expect(await observeExecutor({}, ws.context('stack', 'observe'), deps)).toEqual({ success: false });
    expect(errors[0]).toContain('etcd');
    expect(runtime.containers.size).toBe(0);
  });

  it('an unknown profile names the ones there are', async () => {
    const { deps, errors } = withProbe();
    expect(await observeExecutor({ profile: 'tracing' }, ws.context('stack', 'observe'), deps)).toEqual({ success: false });
    expect(errors[0]).toBe('no service belongs to profile "tracing" (profiles: observe): set "profile" in a service.json');
  });

  it('profile services are left out of the stack-wide commands', async () => {
    expect(allServices(ws.context('stack')).map((s) => s.name)).toEqual(['etcd']);
    expect(allServices(ws.context('stack'), { profiles: true }).map((s) => s.name)).toEqual(['etcd', 'prometheus']);
    expect(SERVICE_TAG).toBeDefined();
  });
});
