import { serviceConfigSchema, type ServiceDefinition } from '../core/service-config';
import { memberSpecs } from './member-spec';
import { LABELS } from '../core/naming';

const define = (overrides: Record<string, unknown> = {}): ServiceDefinition => ({
  name: 'etcd',
  root: 'infrastructure/etcd',
  file: '/ws/infrastructure/etcd/service.json',
  config: serviceConfigSchema.parse({
    description: 'etcd',
    kind: 'etcd',
    replicas: 3,
    env: { ETCD_LOG_LEVEL: 'info' },
    ports: [
      { name: 'client', container: 2379, host: 2379 },
      { name: 'metrics', container: 2381, host: 12381 },
    ],
    volumes: [{ name: 'data', target: '/var/lib/etcd' }],
    command: ['etcd', '--name', 'x'],
    ...overrides,
  }),
});

describe('memberSpecs', () => {
  const image = 'paws360/etcd:0123456789ab';
  const specs = (service = define(), secrets: Record<string, string> = {}, img = image, env: NodeJS.ProcessEnv = {}) =>
    memberSpecs('paws360', service, img, secrets, env);

  it('one container per replica: name, hostname, alias, network, command, stop timeout', () => {
    const all = specs();
    expect(all.map((s) => s.member)).toEqual([1, 2, 3]);
    expect(all.map((s) => s.name)).toEqual(['paws360-etcd-1', 'paws360-etcd-2', 'paws360-etcd-3']);
    expect(all[1]).toMatchObject({
      image,
      hostname: 'etcd-2',
      aliases: ['etcd-2'],
      network: 'paws360-backend',
      cmd: ['etcd', '--name', 'x'],
      stopTimeoutSeconds: 10,
      mounts: [{ volume: 'paws360-etcd-2-data', target: '/var/lib/etcd' }],
    });
  });

  it('publishes each port per member on its own host port (base + member - 1)', () => {
    expect(specs().map((s) => s.ports)).toEqual([
      [{ container: 2379, host: 2379 }, { container: 2381, host: 12381 }],
      [{ container: 2379, host: 2380 }, { container: 2381, host: 12382 }],
      [{ container: 2379, host: 2381 }, { container: 2381, host: 12383 }],
    ]);
    expect(specs(define(), {}, image, { PAWS360_PORT_OFFSET: '10' })[0].ports[0].host).toBe(2389);
  });

  it('injects the service env, the secrets and the member identity', () => {
    const [, second] = specs(define(), { PG_PASSWORD: 's3cret' });
    expect(second.env).toEqual({
      ETCD_LOG_LEVEL: 'info',
      PG_PASSWORD: 's3cret',
      PAWS360_STACK: 'paws360',
      PAWS360_SERVICE: 'etcd',
      PAWS360_MEMBER: '2',
      PAWS360_REPLICAS: '3',
    });
  });

  it('labels each container with stack, service, member and its config hash', () => {
    const [first] = specs();
    expect(first.labels).toEqual({
      [LABELS.stack]: 'paws360',
      [LABELS.service]: 'etcd',
      [LABELS.member]: '1',
      [LABELS.configHash]: first.configHash,
    });
    expect(first.configHash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('the config hash is stable (also when object keys come in another order) and differs per member', () => {
    const a = specs().map((s) => s.configHash);
    expect(specs().map((s) => s.configHash)).toEqual(a);
    expect(new Set(a).size).toBe(3);
    const reordered = define();
    reordered.config.env = { ...reordered.config.env };
    const b = memberSpecs('paws360', { ...reordered, config: { ...reordered.config, env: { ETCD_LOG_LEVEL: 'info' } } }, image, {}, {});
    expect(b.map((s) => s.configHash)).toEqual(a);
    const twoKeys = (env: Record<string, string>) => specs(define({ env }))[0].configHash;
    expect(twoKeys({ A: '1', B: '2' })).toBe(twoKeys({ B: '2', A: '1' }));
  });

  it.each<[string, () => string[]]>([
    ['image', () => specs(define(), {}, 'paws360/etcd:ffffffffffff').map((s) => s.configHash)],
    ['env', () => specs(define({ env: { ETCD_LOG_LEVEL: 'debug' } })).map((s) => s.configHash)],
    ['a secret', () => specs(define(), { PG_PASSWORD: 'other' }).map((s) => s.configHash)],
    ['ports', () => specs(define({ ports: [{ name: 'client', container: 2379, host: 3379 }] })).map((s) => s.configHash)],
    ['host port env override', () => specs(define(), {}, image, { PAWS360_ETCD_CLIENT_PORT: '4000' }).map((s) => s.configHash)],
    ['command', () => specs(define({ command: ['etcd'] })).map((s) => s.configHash)],
    ['volumes', () => specs(define({ volumes: [{ name: 'data', target: '/data' }] })).map((s) => s.configHash)],
    ['stop timeout', () => specs(define({ stopTimeoutSeconds: 30 })).map((s) => s.configHash)],
  ])('the config hash changes with %s', (_what, changed) => {
    const before = specs().map((s) => s.configHash);
    const after = changed();
    after.forEach((hash, i) => expect(hash).not.toBe(before[i]));
  });

  it('the config hash ignores what does not shape the container (description, start timeout)', () => {
    const before = specs().map((s) => s.configHash);
    expect(specs(define({ description: 'reworded', startTimeoutSeconds: 300 })).map((s) => s.configHash)).toEqual(before);
  });

  it('replicas: 1 gives one member', () => {
    expect(specs(define({ replicas: 1 })).map((s) => s.name)).toEqual(['paws360-etcd-1']);
  });
});
