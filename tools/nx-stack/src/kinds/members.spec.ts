import { serviceConfigSchema, type ServiceDefinition } from '../core/service-config';
import { memberSpecs } from '../lifecycle/member-spec';
import { FakeRuntime } from '../testing/fake-runtime';
import { absentMember, observeMembers } from './members';

const etcd: ServiceDefinition = {
  name: 'etcd',
  root: 'infrastructure/etcd',
  file: '/ws/infrastructure/etcd/service.json',
  config: serviceConfigSchema.parse({
    description: 'etcd',
    kind: 'etcd',
    replicas: 3,
    ports: [
      { name: 'client', container: 2379, host: 2379 },
      { name: 'metrics', container: 2381, host: 12381 },
    ],
  }),
};

describe('observeMembers', () => {
  it('one view per expected member, with its container (if any), running flag and host ports', async () => {
    const runtime = new FakeRuntime();
    const [one, two] = memberSpecs('paws360', etcd, 'debian:bookworm-slim', {}, {});
    runtime.addContainer(one, 'running');
    runtime.addContainer(two, 'exited');
    // Another stack's member 3 is not ours.
    runtime.addContainer(memberSpecs('other', etcd, 'debian:bookworm-slim', {}, {})[2], 'running');
    const views = await observeMembers(runtime, 'paws360', etcd, {});
    expect(views.map((v) => [v.member, v.containerName, v.hostname, v.running, v.container?.state])).toEqual([
      [1, 'paws360-etcd-1', 'etcd-1', true, 'running'],
      [2, 'paws360-etcd-2', 'etcd-2', false, 'exited'],
      [3, 'paws360-etcd-3', 'etcd-3', false, undefined],
    ]);
    expect(views[2].hostPorts).toEqual({ client: 2381, metrics: 12383 });
    expect((await observeMembers(runtime, 'paws360', etcd, { PAWS360_PORT_OFFSET: '100' }))[0].hostPorts).toEqual({
      client: 2479,
      metrics: 12481,
    });
  });
});

describe('absentMember', () => {
  const view = { member: 1, containerName: 'paws360-etcd-1', hostname: 'etcd-1', hostPorts: {} };
  const container = { id: 'x', name: 'paws360-etcd-1', labels: {}, imageId: 'sha256:1', networks: ['paws360-backend'] };

  it('no container: unhealthy, says to run up', () => {
    expect(absentMember({ ...view, running: false })).toEqual({
      name: 'paws360-etcd-1',
      status: 'unhealthy',
      role: '-',
      detail: 'no container (run up)',
      serving: false,
    });
  });

  it.each(['exited', 'created', 'restarting', 'paused', 'dead'] as const)('a %s container is not running', (state) => {
    expect(absentMember({ ...view, running: false, container: { ...container, state } })).toMatchObject({
      status: 'unhealthy',
      detail: `container not running (${state})`,
    });
  });

  it('a running container is left to the probe', () => {
    expect(absentMember({ ...view, running: true, container: { ...container, state: 'running' } })).toBeUndefined();
  });
});
