import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from './config-error';
import { acceptedFor, baselineEnvironments, baselineHash, loadAccepted, loadBaseline, loadCatalog } from './parity-baseline';

const repoRoot = resolve(__dirname, '../../../..');

const CATALOG = `parameters:
  any:
    members: { type: integer, severity: critical, description: size, fix: 'set replicas to {target}' }
  redis:
    maxmemory-policy: { type: string, severity: critical, description: eviction, fix: 'CONFIG SET {parameter} {target}' }
`;
const BASELINE = `environment: staging
description: test
services:
  redis:
    kind: redis
    parameters:
      members: { value: 3, source: inventory }
      maxmemory-policy: { value: allkeys-lru, source: runbook }
`;

describe('parity baselines', () => {
  let root: string;
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'parity-'));
    write('config/parameters.yaml', CATALOG);
    write('config/staging/baseline.yaml', BASELINE);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('loads the catalog and a baseline, lists the environments', () => {
    const catalog = loadCatalog(root);
    expect(loadBaseline(root, 'staging', catalog).services.redis.parameters['maxmemory-policy']).toEqual({ value: 'allkeys-lru', source: 'runbook' });
    expect(baselineEnvironments(root)).toEqual(['staging']);
    expect(loadAccepted(root)).toEqual([]);
  });

  it('a value of the wrong type fails naming the file and the field', () => {
    write('config/staging/baseline.yaml', BASELINE.replace('{ value: 3,', '{ value: "three",'));
    const error = (() => {
      try {
        loadBaseline(root, 'staging', loadCatalog(root));
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.message).toContain('config/staging/baseline.yaml');
    expect(error!.message).toContain('field "services.redis.parameters.members.value": expected an integer');
    expect(error!.message).toContain('(got "three")');
  });

  it('an unknown parameter, a missing source or a bad catalog entry fails naming the field', () => {
    write('config/staging/baseline.yaml', BASELINE.replace('maxmemory-policy: { value: allkeys-lru, source: runbook }', 'maxmemory-polcy: { value: allkeys-lru }'));
    expect(() => loadBaseline(root, 'staging', loadCatalog(root))).toThrow(/field "services.redis.parameters.maxmemory-polcy.source"/);
    write('config/staging/baseline.yaml', BASELINE.replace('maxmemory-policy: {', 'maxmemory-polcy: {'));
    expect(() => loadBaseline(root, 'staging', loadCatalog(root))).toThrow(/field "services.redis.parameters.maxmemory-polcy": unknown parameter for kind redis \(known: maxmemory-policy, members/);
    write('config/parameters.yaml', CATALOG.replace('severity: critical, description: eviction', 'severity: fatal, description: eviction'));
    expect(() => loadCatalog(root)).toThrow(/config\/parameters.yaml[\s\S]*field "parameters.redis.maxmemory-policy.severity"/);
  });

  it('a missing baseline says how to make one', () => {
    expect(() => loadBaseline(root, 'production', loadCatalog(root))).toThrow(/no baseline for "production".*baselines: staging.*stack:snapshot/);
  });

  it('accepted differences match by service or by "*", per environment', () => {
    write('config/local-differences.yaml', `differences:\n  - { parameter: '*.memory', reason: 'a laptop has less memory' }\n  - { parameter: redis.members, environments: [production], reason: 'only one member on a laptop' }\n`);
    const accepted = loadAccepted(root);
    expect(acceptedFor(accepted, 'staging', 'etcd', 'memory')?.reason).toBe('a laptop has less memory');
    expect(acceptedFor(accepted, 'staging', 'redis', 'members')).toBeUndefined();
    expect(acceptedFor(accepted, 'production', 'redis', 'members')).toBeDefined();
    write('config/local-differences.yaml', `differences:\n  - { parameter: 'memory', reason: 'x' }\n`);
    expect(() => loadAccepted(root)).toThrow(/field "differences.0.parameter"[\s\S]*field "differences.0.reason"/);
  });

  it('the hash changes with the baseline, the catalog or the accepted differences', () => {
    const before = baselineHash(root, 'staging');
    write('config/staging/baseline.yaml', BASELINE.replace('allkeys-lru', 'volatile-lru'));
    expect(baselineHash(root, 'staging')).not.toBe(before);
  });

  it("the repository's own config/ is valid: catalog, staging, production, local differences", () => {
    const catalog = loadCatalog(repoRoot);
    expect(baselineEnvironments(repoRoot)).toEqual(expect.arrayContaining(['production', 'staging']));
    for (const environment of ['staging', 'production']) {
      const baseline = loadBaseline(repoRoot, environment, catalog);
      expect(baseline.environment).toBe(environment);
      for (const service of Object.values(baseline.services)) for (const entry of Object.values(service.parameters)) expect(entry.source.length).toBeGreaterThan(10);
    }
    expect(loadAccepted(repoRoot).length).toBeGreaterThan(5);
    expect(readFileSync(join(repoRoot, 'config/parameters.yaml'), 'utf8')).toContain('severity: critical');
  });
});
