import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './config-error';
import { loadService, loadServiceFile } from './load-service';
import type { ServiceConfig } from './service-config';
import { ValidatedCache } from './validated-cache';

const valid = { description: '3-member etcd', kind: 'etcd', replicas: 3 };

describe('loadServiceFile', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'nx-stack-config-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const write = (content: unknown, folder = 'infrastructure/etcd') => {
    mkdirSync(join(root, folder), { recursive: true });
    writeFileSync(join(root, folder, 'service.json'), typeof content === 'string' ? content : JSON.stringify(content));
    return `${folder}/service.json`;
  };

  /** Loads and returns the ConfigError it must throw. */
  const failure = (content: unknown): ConfigError => {
    const file = write(content);
    try {
      loadServiceFile(root, file);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const configError = error as ConfigError;
      // Every message names the file it is about.
      expect(configError.message).toContain('infrastructure/etcd/service.json');
      expect(configError.file).toContain('infrastructure/etcd/service.json');
      return configError;
    }
    throw new Error('expected a ConfigError');
  };

  it('kind http needs a healthCheck naming one of its ports; the message names the field, not the whole file', () => {
    const http = { description: 'api', kind: 'http', replicas: 1, ports: [{ name: 'http', container: 3000, host: 3000 }] };
    const missing = failure(http);
    expect(missing.problems).toEqual([expect.stringMatching(/^field "healthCheck": required for kind "http"/)]);
    expect(missing.message).not.toContain('"description"');
    const wrongPort = failure({ ...http, healthCheck: { port: 'admin', path: '/readyz' } });
    expect(wrongPort.problems).toEqual(['field "healthCheck.port": no port named "admin" in ports (http)']);
    const ok = loadServiceFile(root, write({ ...http, healthCheck: { port: 'http', path: '/readyz' } }));
    expect(ok.config.healthCheck).toEqual({ port: 'http', path: '/readyz' });
  });

  it('resources: CPUs and a memory size with its unit; a bad one names the field and the expected form', () => {
    expect(failure({ ...valid, resources: { cpus: 1, memory: '256' } }).problems).toEqual([expect.stringMatching(/^field "resources.memory": expected a size with a unit: "256m", "1g"/)]);
    expect(failure({ ...valid, resources: { cpus: 0, memory: '256m' } }).problems).toEqual([expect.stringMatching(/^field "resources.cpus":/)]);
    expect(failure({ ...valid, resources: { cpus: 1, memory: '1k' } }).problems).toEqual([expect.stringMatching(/^field "resources.memory": expected at least 6m/)]);
    expect(loadServiceFile(root, write({ ...valid, resources: { cpus: 0.5, memory: '1.5g' } })).config.resources).toEqual({ cpus: 0.5, memory: '1.5g' });
  });

  it('loads a minimal file and fills in the defaults', () => {
    const service = loadServiceFile(root, write(valid));
    expect(service.name).toBe('etcd');
    expect(service.root).toBe('infrastructure/etcd');
    expect(service.file).toBe(join(root, 'infrastructure/etcd/service.json'));
    expect(service.config).toEqual({
      description: '3-member etcd',
      kind: 'etcd',
      replicas: 3,
      dependsOn: [],
      image: { dockerfile: 'Dockerfile', context: '.' },
      env: {},
      secrets: [],
      ports: [],
      volumes: [],
      startTimeoutSeconds: 90,
      stopTimeoutSeconds: 10,
    });
  });

  it('keeps given values over the defaults, and a partial image block gets the missing default', () => {
    const service = loadServiceFile(
      root,
      write({ ...valid, image: { dockerfile: 'docker/Dockerfile' }, env: { ETCD_LOG: 'info' }, startTimeoutSeconds: 30 }),
    );
    expect(service.config.image).toEqual({ dockerfile: 'docker/Dockerfile', context: '.' });
    expect(service.config.env).toEqual({ ETCD_LOG: 'info' });
    expect(service.config.startTimeoutSeconds).toBe(30);
  });

  it('loadService reads <projectRoot>/service.json', () => {
    write({ ...valid, replicas: 1 }, 'infra/cache');
    const service = loadService(root, 'infra/cache');
    expect(service).toMatchObject({ name: 'cache', root: 'infra/cache', config: { replicas: 1 } });
  });

  it('bad JSON: says it cannot be read as JSON', () => {
    const error = failure('{ "kind": "etcd", ');
    expect(error.message).toMatch(/cannot read it as JSON/);
  });

  it('a missing file is reported with its path', () => {
    expect(() => loadServiceFile(root, 'nowhere/service.json')).toThrow(/nowhere\/service\.json[\s\S]*cannot read it/);
  });

  it('wrong type: names the field, the expected type and what it got', () => {
    const error = failure({ ...valid, replicas: '3' });
    expect(error.problems).toHaveLength(1);
    expect(error.message).toContain('field "replicas"');
    expect(error.message).toContain('expected number');
    expect(error.message).toContain('(got "3")');
  });

  it('unknown field: names that field (also inside a nested object) and says it is not expected', () => {
    const top = failure({ ...valid, replica: 3 });
    expect(top.message).toContain('field "replica"');
    expect(top.message).toMatch(/unknown field/);
    // The whole file is not dumped into the message.
    expect(top.message).not.toContain('3-member etcd');

    const nested = failure({ ...valid, ports: [{ name: 'client', container: 2379, host: 2379, hostPort: 1 }] });
    expect(nested.message).toContain('field "ports.0.hostPort"');
    expect(nested.message).toMatch(/unknown field/);
  });

  it('missing field: names it and the expected type', () => {
    const { description: _description, ...withoutDescription } = valid;
    const error = failure(withoutDescription);
    expect(error.message).toContain('field "description"');
    expect(error.message).toContain('expected string');
  });

  it.each([
    [0, 'expected number to be >=1'],
    [10, 'expected number to be <=9'],
    [2.5, 'expected int'],
  ])('bad replicas %p: names replicas and the allowed range', (replicas, expected) => {
    const error = failure({ ...valid, replicas });
    expect(error.message).toContain('field "replicas"');
    expect(error.message).toContain(expected);
    expect(error.message).toContain(`(got ${replicas})`);
  });

  it('bad port: names the port field by its path and the allowed range', () => {
    const error = failure({ ...valid, ports: [{ name: 'client', container: 2379, host: 2379 }, { name: 'peer', container: 0, host: 70000 }] });
    expect(error.message).toContain('field "ports.1.container"');
    expect(error.message).toContain('expected number to be >=1');
    expect(error.message).toContain('field "ports.1.host"');
    expect(error.message).toContain('expected number to be <=65535');
    expect(error.problems).toHaveLength(2);
  });

  it('bad kind: lists the kinds it accepts', () => {
    const error = failure({ ...valid, kind: 'mysql' });
    expect(error.message).toContain('field "kind"');
    expect(error.message).toMatch(/expected one of "etcd"\|"patroni"/);
  });

  it('bad env name: says the name must be UPPER_SNAKE_CASE', () => {
    const error = failure({ ...valid, env: { lower: 'x' } });
    expect(error.message).toContain('field "env.lower"');
    expect(error.message).toContain('expected an UPPER_SNAKE_CASE name');
  });

  it('bad names and paths: slug rule and absolute volume target', () => {
    const error = failure({ ...valid, dependsOn: ['Etcd'], volumes: [{ name: 'data', target: 'var/lib' }] });
    expect(error.message).toContain('field "dependsOn.0": expected lowercase letters, digits and dashes');
    expect(error.message).toContain('field "volumes.0.target": expected an absolute path inside the container');
  });

  it('not an object at all: reports the top level', () => {
    const error = failure([]);
    expect(error.message).toContain('field "(top level)"');
    expect(error.message).toContain('expected object');
  });

  describe('with a cache of validated files', () => {
    const cacheIn = (identity = 'build-1') => new ValidatedCache<ServiceConfig>(join(root, '.nx', 'workspace-data', 'configs.json'), identity);

    it('a file validated once is read from the cache by the next process, with its defaults filled in', () => {
      const file = write(valid);
      const first = loadServiceFile(root, file, cacheIn());
      expect(first.config).toMatchObject({ replicas: 3, dependsOn: [], startTimeoutSeconds: 90 });
      const cache = cacheIn();
      const spy = jest.spyOn(cache, 'set');
      const second = loadServiceFile(root, file, cache);
      expect(second).toEqual(first);
      expect(spy).not.toHaveBeenCalled(); // a hit: nothing validated, nothing stored
    });

    it('an edit that breaks the file fails at once, whatever the cache held for its earlier text', () => {
      const file = write(valid);
      loadServiceFile(root, file, cacheIn());
      write({ ...valid, replicas: 0 });
      expect(() => loadServiceFile(root, file, cacheIn())).toThrow(/field "replicas"/);
      // and so does the same broken text again: failures are never stored
      expect(() => loadServiceFile(root, file, cacheIn())).toThrow(/field "replicas"/);
    });

    it('a text stored by another build of the plugin is validated again', () => {
      const file = write(valid);
      const other = cacheIn('build-0');
      other.set(JSON.stringify(valid), { ...(loadServiceFile(root, file).config), replicas: 7 });
      expect(loadServiceFile(root, file, cacheIn('build-1')).config.replicas).toBe(3);
      expect(loadServiceFile(root, file, cacheIn('build-0')).config.replicas).toBe(7);
    });
  });
});
