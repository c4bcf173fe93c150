import type { ServiceDefinition } from './service-config';
import { serviceConfigSchema } from './service-config';
import {
  DEFAULT_STACK,
  LABELS,
  containerName,
  hostPort,
  hostPortVariable,
  imageNamespace,
  imageRepository,
  memberHostname,
  networkName,
  serviceLabels,
  stackName,
  volumeName,
} from './naming';

const service = (name: string, ports: Array<{ name: string; container: number; host: number }>): ServiceDefinition => ({
  name,
  root: `infrastructure/${name}`,
  file: `/ws/infrastructure/${name}/service.json`,
  config: serviceConfigSchema.parse({ description: name, kind: 'etcd', replicas: 3, ports }),
});

describe('naming', () => {
  const etcd = service('etcd', [{ name: 'client', container: 2379, host: 2379 }]);
  const client = etcd.config.ports[0];

  it('PAWS360_IMAGE_NAMESPACE names the image repositories (default paws360); a bad one is refused, naming the variable', () => {
    expect(imageNamespace({})).toBe('paws360');
    expect(imageNamespace({ PAWS360_IMAGE_NAMESPACE: ' ' })).toBe('paws360');
    expect(imageNamespace({ PAWS360_IMAGE_NAMESPACE: 'paws360-it-etcd' })).toBe('paws360-it-etcd');
    for (const bad of ['Upper', 'a//b', '-lead', 'a--b']) {
      expect(() => imageNamespace({ PAWS360_IMAGE_NAMESPACE: bad })).toThrow(/PAWS360_IMAGE_NAMESPACE=".*" is not a valid image namespace/);
    }
  });

  it('names every object after the stack, the service and the member', () => {
    expect(containerName('paws360', 'etcd', 2)).toBe('paws360-etcd-2');
    expect(memberHostname('etcd', 2)).toBe('etcd-2');
    expect(networkName('dev')).toBe('dev-backend');
    expect(volumeName('paws360', 'etcd', 3, 'data')).toBe('paws360-etcd-3-data');
    expect(imageRepository('etcd')).toBe('paws360/etcd');
    expect(imageRepository('etcd', 'paws360-it-etcd')).toBe('paws360-it-etcd/etcd');
    expect(serviceLabels('paws360', 'etcd')).toEqual({ [LABELS.stack]: 'paws360', [LABELS.service]: 'etcd' });
  });

  describe('stackName', () => {
    it('defaults to paws360 (also for a blank value) and takes PAWS360_STACK', () => {
      expect(stackName({})).toBe(DEFAULT_STACK);
      expect(stackName({ PAWS360_STACK: '  ' })).toBe('paws360');
      expect(stackName({ PAWS360_STACK: 'second-2' })).toBe('second-2');
    });

    it.each(['Paws', '2nd', 'a_b', 'a b', '-x'])('rejects the invalid stack name %p, naming the variable', (name) => {
      expect(() => stackName({ PAWS360_STACK: name })).toThrow(/PAWS360_STACK=".*" is not a valid stack name/);
    });
  });

  describe('hostPort', () => {
    it('member n gets the configured port + n - 1', () => {
      expect([1, 2, 3].map((m) => hostPort(etcd, client, m, {}))).toEqual([2379, 2380, 2381]);
    });

    it('the env var PAWS360_<SERVICE>_<PORT>_PORT overrides the base port', () => {
      expect(hostPortVariable('etcd', client)).toBe('PAWS360_ETCD_CLIENT_PORT');
      expect(hostPortVariable('my-db', { name: 'admin-api' })).toBe('PAWS360_MY_DB_ADMIN_API_PORT');
      expect(hostPort(etcd, client, 2, { PAWS360_ETCD_CLIENT_PORT: '12379' })).toBe(12380);
      // Blank means unset.
      expect(hostPort(etcd, client, 1, { PAWS360_ETCD_CLIENT_PORT: '' })).toBe(2379);
    });

    it('PAWS360_PORT_OFFSET shifts every port (0 allowed), on top of an override', () => {
      expect(hostPort(etcd, client, 1, { PAWS360_PORT_OFFSET: '1000' })).toBe(3379);
      expect(hostPort(etcd, client, 3, { PAWS360_PORT_OFFSET: '0' })).toBe(2381);
      expect(hostPort(etcd, client, 2, { PAWS360_PORT_OFFSET: '100', PAWS360_ETCD_CLIENT_PORT: '5000' })).toBe(5101);
    });

    it.each([
      [{ PAWS360_ETCD_CLIENT_PORT: 'abc' }, /PAWS360_ETCD_CLIENT_PORT="abc" is not a port number \(1-65535\)/],
      [{ PAWS360_ETCD_CLIENT_PORT: '0' }, /PAWS360_ETCD_CLIENT_PORT="0" is not a port number/],
      [{ PAWS360_ETCD_CLIENT_PORT: '70000' }, /PAWS360_ETCD_CLIENT_PORT="70000"/],
      [{ PAWS360_ETCD_CLIENT_PORT: '23.5' }, /PAWS360_ETCD_CLIENT_PORT="23.5"/],
      [{ PAWS360_PORT_OFFSET: '-1' }, /PAWS360_PORT_OFFSET="-1" is not a port number \(0-65535\)/],
      [{ PAWS360_PORT_OFFSET: 'ten' }, /PAWS360_PORT_OFFSET="ten"/],
    ])('rejects %p with a message naming the variable', (env, message) => {
      expect(() => hostPort(etcd, client, 1, env)).toThrow(message);
    });

    it('a port pushed above 65535 names the member and both variables', () => {
      const high = service('etcd', [{ name: 'client', container: 2379, host: 65535 }]);
      expect(hostPort(high, high.config.ports[0], 1, {})).toBe(65535);
      expect(() => hostPort(high, high.config.ports[0], 2, {})).toThrow(
        /etcd port "client" of member 2 would be 65536, above 65535: lower PAWS360_ETCD_CLIENT_PORT or PAWS360_PORT_OFFSET/,
      );
    });
  });
});
