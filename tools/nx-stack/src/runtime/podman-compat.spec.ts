import { hasLabels, isNetworkExistsError, isNetworkInUseError, networkRemovalRef } from './podman-compat';
import { RuntimeOperationError } from './runtime-errors';

// The engines' own answers, as measured (Docker 20.10, Podman 4.3.1 rootful with netavark).
const docker409Exists = new RuntimeOperationError('docker network create n', 'network with name n already exists', 409);
const podman500Exists = new RuntimeOperationError('docker network create n', 'network name n already used: network already exists', 500);
const docker403InUse = new RuntimeOperationError('docker network rm n', 'error while removing network: network n id abc has active endpoints', 403);
const podman500InUse = new RuntimeOperationError(
  'docker network rm n',
  '"n" has associated containers with it. Use -f to forcibly delete containers and pods: network is being used',
  500,
);
const other500 = new RuntimeOperationError('docker network rm n', 'disk full', 500);

describe('podman compatibility', () => {
  it('a network that already exists: Docker 409, Podman 4.3 500 with its words', () => {
    expect(isNetworkExistsError(docker409Exists)).toBe(true);
    expect(isNetworkExistsError(podman500Exists)).toBe(true);
    expect(isNetworkExistsError(other500)).toBe(false);
    expect(isNetworkExistsError(new Error('already exists'))).toBe(false);
  });

  it('a network still in use: Docker 403/409, Podman 500 "network is being used"', () => {
    expect(isNetworkInUseError(docker403InUse)).toBe(true);
    expect(isNetworkInUseError(new RuntimeOperationError('docker network rm n', 'conflict', 409))).toBe(true);
    expect(isNetworkInUseError(podman500InUse)).toBe(true);
    expect(isNetworkInUseError(other500)).toBe(false);
    expect(isNetworkInUseError(new RuntimeOperationError('docker network rm n', 'gone', 404))).toBe(false);
  });

  it('a unique network is removed by name (Podman checks its users by name), duplicates by id', () => {
    expect(networkRemovalRef('n', [{ Id: 'n1' }], { Id: 'n1' })).toBe('n');
    const twins = [{ Id: 'n1' }, { Id: 'n2' }];
    expect(twins.map((t) => networkRemovalRef('n', twins, t))).toEqual(['n1', 'n2']);
  });

  it('hasLabels: every label of the filter, an empty value meaning any value', () => {
    expect(hasLabels({ a: '1', b: '2' }, { a: '1', b: '2' })).toBe(true);
    expect(hasLabels({ a: '1', b: '3' }, { a: '1', b: '2' })).toBe(false);
    expect(hasLabels({ a: '1' }, { a: '' })).toBe(true);
    expect(hasLabels({ b: '1' }, { a: '' })).toBe(false);
    expect(hasLabels(null, { a: '1' })).toBe(false);
    expect(hasLabels(undefined, {})).toBe(true);
  });
});
