import { loadService } from '../core/load-service';
import { TestWorkspace, serviceJson } from '../testing/executor-context';
import { FakeRuntime } from '../testing/fake-runtime';
import { LABELS } from '../core/naming';
import { PortsInUseError } from './lifecycle-errors';
import { assertRunPortsFree, busyPorts, plannedPorts } from './port-preflight';

describe('port preflight of a whole run', () => {
  let ws: TestWorkspace;
  beforeEach(() => {
    ws = TestWorkspace.create({
      etcd: {},
      router: {
        config: serviceJson({
          kind: 'router',
          replicas: 1,
          ports: [{ name: 'leader', container: 5432, host: 5432, description: 'the PostgreSQL leader' }],
          volumes: [],
        }),
      },
    });
  });
  afterEach(() => ws.dispose());
  const services = () => ['etcd', 'router'].map((name) => loadService(ws.root, `infrastructure/${name}`));

  it('plans every member’s port with the variable that moves it, offset applied', () => {
    const planned = plannedPorts(services(), { PAWS360_PORT_OFFSET: '10' });
    expect(planned.map((p) => [p.service, p.member, p.host, p.variable])).toEqual([
      ['etcd', 1, 2389, 'PAWS360_ETCD_CLIENT_PORT'],
      ['etcd', 2, 2390, 'PAWS360_ETCD_CLIENT_PORT'],
      ['etcd', 3, 2391, 'PAWS360_ETCD_CLIENT_PORT'],
      ['router', 1, 5442, 'PAWS360_ROUTER_LEADER_PORT'],
    ]);
  });

  it('a port held by another process fails the run, naming the port, its purpose, the owner and the setting; nothing is asked of the engine to create', async () => {
    const runtime = new FakeRuntime();
    const deps = { runtime, stack: 'paws360', env: {}, portFree: async (port: number) => port !== 5432, portOwner: () => ({ pid: 4242, command: 'postgres -D /var/lib/postgresql' }) };
    const error = await assertRunPortsFree(deps, services()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortsInUseError);
    expect((error as Error).message).toBe(
      'Port 5432 required for the PostgreSQL leader (router) is already in use by postgres -D /var/lib/postgresql (pid 4242). Set PAWS360_ROUTER_LEADER_PORT to move it.\n' +
        'Or shift every port of the stack with PAWS360_PORT_OFFSET. Nothing was created.',
    );
    expect(runtime.callsTo('createContainer')).toEqual([]);
  });

  it('a port of a member this stack already has is its own (a re-run of up, or a concurrent task starting it); a member it lacks is checked', async () => {
    const runtime = new FakeRuntime();
    const labels = (member: number) => ({ [LABELS.stack]: 'paws360', [LABELS.service]: 'etcd', [LABELS.member]: String(member) });
    runtime.images.set('i:latest', 'sha256:i');
    const spec = (member: number) => ({ name: `paws360-etcd-${member}`, image: 'i', hostname: `etcd-${member}`, env: {}, labels: labels(member), network: 'n', aliases: [], ports: [], mounts: [], stopTimeoutSeconds: 1 });
    runtime.addContainer(spec(1), 'running');
    runtime.addContainer(spec(2), 'created');
    const deps = { runtime, stack: 'paws360', env: {}, portFree: async (port: number) => ![2379, 2380, 2381].includes(port), portOwner: () => undefined };
    expect((await busyPorts(deps, services())).map((p) => p.host)).toEqual([2381]);
  });

  it('two services of the run set to one host port clash before anything starts', async () => {
    const runtime = new FakeRuntime();
    const deps = { runtime, stack: 'paws360', env: { PAWS360_ROUTER_LEADER_PORT: '2381' }, portFree: async () => true };
    const busy = await busyPorts(deps, services());
    expect(busy.map((p) => [p.service, p.host, p.owner?.command])).toEqual([['router', 2381, 'this stack\'s etcd member 3 (client)']]);
  });
});
