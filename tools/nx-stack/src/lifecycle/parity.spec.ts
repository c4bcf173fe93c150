import { existsSync } from 'node:fs';
import { loadService } from '../core/load-service';
import { TestWorkspace, serviceJson } from '../testing/executor-context';
import { baselineDriftLines, parityRecordFile, recordInLine } from './parity';

const CATALOG = `parameters:
  any:
    members: { type: integer, severity: critical, description: size, fix: 'set replicas to {target}' }
  redis:
    maxmemory-policy: { type: string, severity: critical, description: eviction, fix: 'CONFIG SET {parameter} {target}' }
`;
const baseline = (policy: string) => `environment: staging
description: test
services:
  redis:
    kind: redis
    parameters:
      members: { value: 3, source: inventory }
      maxmemory-policy: { value: ${policy}, source: runbook }
`;

describe('drift on start', () => {
  let ws: TestWorkspace;
  const deps = () => ({ workspaceRoot: ws.root, stack: 'paws360' });
  const services = () => [loadService(ws.root, 'infrastructure/redis')];
  beforeEach(() => {
    ws = TestWorkspace.create({
      redis: { config: serviceJson({ kind: 'redis', replicas: 3, ports: [{ name: 'redis', container: 6379, host: 6379 }] }), files: { 'redis.conf.tmpl': 'maxmemory-policy allkeys-lru\n' } },
    });
    ws.writeFile('config/parameters.yaml', CATALOG);
    ws.writeFile('config/staging/baseline.yaml', baseline('allkeys-lru'));
  });
  afterEach(() => ws.dispose());

  it('no config/ folder: nothing to say', () => {
    const bare = TestWorkspace.create({ redis: {} });
    try {
      expect(baselineDriftLines({ workspaceRoot: bare.root, stack: 'paws360' }, [])).toEqual([]);
    } finally {
      bare.dispose();
    }
  });

  it('in line with the baseline: silent, and recorded', () => {
    expect(baselineDriftLines(deps(), services())).toEqual([]);
    expect(existsSync(parityRecordFile(ws.root, 'paws360'))).toBe(true);
  });

  it('a pulled baseline with a new critical value: one line with the command; after the fix, silent again', () => {
    recordInLine(deps(), 'staging');
    ws.writeFile('config/staging/baseline.yaml', baseline('volatile-lru'));
    expect(baselineDriftLines(deps(), services())).toEqual([
      'config/staging changed since this stack was last in line with it: 1 critical difference (redis maxmemory-policy); npx nx run stack:diff:staging shows them with the fix',
    ]);
    // Said on every start until the declaration is brought in line…
    expect(baselineDriftLines(deps(), services())).toHaveLength(1);
    // …then silent, and recorded.
    ws.writeFile('infrastructure/redis/redis.conf.tmpl', 'maxmemory-policy volatile-lru\n');
    expect(baselineDriftLines(deps(), services())).toEqual([]);
    ws.writeFile('config/staging/baseline.yaml', baseline('volatile-lru'));
    expect(baselineDriftLines(deps(), services())).toEqual([]);
  });
});
