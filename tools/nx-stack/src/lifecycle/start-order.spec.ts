import { serviceConfigSchema, type ServiceDefinition } from '../core/service-config';
import { startLayers } from './start-order';

const service = (name: string, dependsOn: string[] = []): ServiceDefinition => ({
  name,
  root: `infrastructure/${name}`,
  file: `infrastructure/${name}/service.json`,
  config: serviceConfigSchema.parse({ description: name, kind: 'etcd', replicas: 1, dependsOn }),
});

describe('startLayers', () => {
  it('puts dependencies in earlier layers and independent services together', () => {
    const layers = startLayers([
      service('router', ['patroni']),
      service('sentinel', ['redis']),
      service('patroni', ['etcd']),
      service('etcd'),
      service('redis'),
    ]);
    expect(layers.map((l) => l.map((s) => s.name))).toEqual([['etcd', 'redis'], ['sentinel', 'patroni'], ['router']]);
  });

  it('a dependency outside the given set does not block (it is someone else’s concern)', () => {
    expect(startLayers([service('patroni', ['etcd'])]).map((l) => l.map((s) => s.name))).toEqual([['patroni']]);
  });

  it('a cycle is an error naming the services in it', () => {
    expect(() => startLayers([service('a', ['b']), service('b', ['a']), service('c')])).toThrow(
      'services depend on each other in a cycle: a, b',
    );
  });
});
