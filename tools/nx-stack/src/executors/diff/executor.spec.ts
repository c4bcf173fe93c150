// Specs hand executors their own runtime, so the real one is never made: keep
// dockerode (slow to load) out of this suite.
jest.mock('../../runtime/dockerode-runtime', () => ({ DockerodeRuntime: jest.fn() }));

import { loadService } from '../../core/load-service';
import { TestWorkspace, serviceJson, testDeps } from '../../testing/executor-context';
import { FakeRuntime } from '../../testing/fake-runtime';
import diffExecutor, { diffMain, optionsFromArgv } from './executor';

const CATALOG = `parameters:
  any:
    members: { type: integer, severity: critical, description: size, fix: 'set replicas of {service} to {target}' }
    memory: { type: size, severity: warning, description: memory, fix: 'set memory to {target}' }
  redis:
    maxmemory-policy: { type: string, severity: critical, description: eviction, fix: 'CONFIG SET {parameter} {target}' }
    appendfsync: { type: string, severity: warning, description: fsync, fix: 'set {parameter} {target}' }
`;
const baseline = (policy: string, members = 3) => `environment: staging
description: test
services:
  redis:
    kind: redis
    parameters:
      members: { value: ${members}, source: inventory }
      memory: { value: 4g, source: VM size }
      maxmemory-policy: { value: ${policy}, source: runbook }
      appendfsync: { value: everysec, source: default }
`;

describe('diff executor', () => {
  let ws: TestWorkspace;
  let runtime: FakeRuntime;
  beforeEach(() => {
    ws = TestWorkspace.create({
      redis: {
        config: serviceJson({ kind: 'redis', replicas: 3, ports: [{ name: 'redis', container: 6379, host: 64010 }], resources: { cpus: 0.5, memory: '256m' } }),
        files: { 'redis.conf.tmpl': 'appendonly yes\nmaxmemory-policy allkeys-lru\n' },
      },
    });
    ws.projects['stack'] = { name: 'stack', root: '.', tags: ['type:stack'] };
    ws.writeFile('config/parameters.yaml', CATALOG);
    ws.writeFile('config/staging/baseline.yaml', baseline('allkeys-lru'));
    ws.writeFile('config/local-differences.yaml', "differences:\n  - { parameter: '*.memory', reason: 'a laptop has less memory' }\n");
    runtime = new FakeRuntime();
  });
  afterEach(() => ws.dispose());

  it('a stack in line with the baseline: the table, the summary, success', async () => {
    const { deps, logs, errors } = testDeps(runtime, { env: { NO_COLOR: '1' } });
    expect(await diffExecutor({ target: 'staging' }, ws.context('stack', 'diff'), deps)).toEqual({ success: true });
    expect(errors).toEqual([]);
    expect(logs[0]).toMatch(/^COMPONENT\s+PARAMETER\s+LOCAL\s+TARGET\s+STATUS\s+SEVERITY\s+FIX/);
    expect(logs[0]).toMatch(/redis\s+maxmemory-policy\s+allkeys-lru\s+allkeys-lru\s+✓\s+critical/);
    expect(logs[0]).toMatch(/redis\s+memory\s+256m\s+4g\s+✓ accepted\s+warning\s+accepted: a laptop has less memory/);
    // appendfsync is not in the template: Redis's default, everysec.
    expect(logs[0]).toMatch(/paws360 vs staging: 4 compared · 0 critical · 0 warnings · 0 info · 1 accepted · 0 drift — parity 100\/100 \(\d+ ms\)$/);
  });

  it('a critical difference: --json says exit code 2 and the fix; the executor fails (Nx exits 1)', async () => {
    ws.writeFile('config/staging/baseline.yaml', baseline('volatile-lru'));
    const { deps, logs } = testDeps(runtime);
    expect(await diffExecutor({ target: 'staging', json: true }, ws.context('stack', 'diff'), deps)).toEqual({ success: false });
    const report = JSON.parse(logs[0]);
    expect(report.summary).toMatchObject({ critical: 1, score: 70, exitCode: 2 });
    expect(report.findings.find((f: { parameter: string }) => f.parameter === 'maxmemory-policy')).toMatchObject({
      status: 'differs',
      layer: 'declared',
      fix: 'CONFIG SET maxmemory-policy volatile-lru',
    });
  });

  it('the node entry exits 2 on a critical difference, 0 in line, 1 on an error', async () => {
    const run = async (...argv: string[]) => {
      const { deps, logs, errors } = testDeps(runtime);
      return { code: await diffMain(argv, ws.root, [loadService(ws.root, 'infrastructure/redis')], deps), logs, errors };
    };
    expect((await run('--target=staging')).code).toBe(0);
    ws.writeFile('config/staging/baseline.yaml', baseline('allkeys-lru', 5));
    expect((await run('--target=staging')).code).toBe(2);
    const missing = await run('--target=production');
    expect(missing.code).toBe(1);
    expect(missing.errors[0]).toMatch(/no baseline for "production"/);
    expect(optionsFromArgv(['--target=staging', '--json', '--against-port-offset=10000'])).toEqual({ target: 'staging', json: true, againstPortOffset: 10000 });
  });

  it('a bad baseline fails naming the file and the field; options must name exactly one comparison', async () => {
    ws.writeFile('config/staging/baseline.yaml', baseline('allkeys-lru').replace('value: 3', 'value: three'));
    const bad = testDeps(runtime);
    expect(await diffExecutor({ target: 'staging' }, ws.context('stack', 'diff'), bad.deps)).toEqual({ success: false });
    expect(bad.errors[0]).toContain('Invalid config/staging/baseline.yaml');
    expect(bad.errors[0]).toContain('field "services.redis.parameters.members.value": expected an integer');
    const none = testDeps(runtime);
    expect(await diffExecutor({}, ws.context('stack', 'diff'), none.deps)).toEqual({ success: false });
    expect(none.errors[0]).toMatch(/give one of: an environment of config\/ \(nx run stack:diff:staging/);
    const unknown = testDeps(runtime);
    expect(await diffExecutor({ target: 'staging', verbose: true } as never, ws.context('stack', 'diff'), unknown.deps)).toEqual({ success: false });
    expect(unknown.errors[0]).toContain('field "verbose": unknown field');
  });
});
