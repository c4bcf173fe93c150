// Specs hand executors their own runtime, so the real one is never made: keep
// dockerode (slow to load) out of this suite.
jest.mock('../../runtime/dockerode-runtime', () => ({ DockerodeRuntime: jest.fn() }));

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { fakeProbe } from '../../testing/fake-probe';
import { TestWorkspace, serviceJson, testDeps } from '../../testing/executor-context';
import { FakeRuntime } from '../../testing/fake-runtime';
import upExecutor from '../up/executor';
import diffExecutor from '../diff/executor';
import snapshotExecutor from './executor';

const CATALOG = `parameters:
  any:
    members: { type: integer, severity: critical, description: size, fix: 'set replicas to {target}' }
    memory: { type: size, severity: warning, description: memory, fix: 'set memory to {target}' }
  redis:
    maxmemory-policy: { type: string, severity: critical, description: eviction, fix: 'CONFIG SET {parameter} {target}' }
`;

describe('snapshot executor', () => {
  let ws: TestWorkspace;
  let runtime: FakeRuntime;
  beforeEach(() => {
    ws = TestWorkspace.create({
      // A port nothing listens on: the live layer finds no Redis there and the snapshot keeps the runtime and declared layers.
      redis: {
        config: serviceJson({ kind: 'redis', replicas: 2, ports: [{ name: 'redis', container: 6379, host: 64020 }], resources: { cpus: 0.5, memory: '256m' } }),
        files: { 'redis.conf.tmpl': 'maxmemory-policy allkeys-lru\n', 'docker-entrypoint.sh': '#!/bin/sh\n' },
      },
    });
    ws.projects['stack'] = { name: 'stack', root: '.', tags: ['type:stack'] };
    ws.writeFile('config/parameters.yaml', CATALOG);
    runtime = new FakeRuntime();
  });
  afterEach(() => ws.dispose());

  it('a stack with nothing running: nothing to snapshot, says how to start one', async () => {
    const { deps, errors } = testDeps(runtime);
    expect(await snapshotExecutor({ out: 'config/copy/' }, ws.context('stack', 'snapshot'), deps)).toEqual({ success: false });
    expect(errors[0]).toMatch(/stack paws360 has no running member/);
  });

  it('writes a valid baseline from the running stack, which the stack then matches at 100', async () => {
    const up = testDeps(runtime, { probe: () => fakeProbe() });
    expect(await upExecutor({}, ws.context('redis'), up.deps)).toEqual({ success: true });
    const { deps, logs, errors } = testDeps(runtime);
    expect(await snapshotExecutor({ out: 'config/copy/' }, ws.context('stack', 'snapshot'), deps)).toEqual({ success: true });
    expect(errors).toEqual([]);
    expect(logs[0]).toMatch(/^wrote config\/copy\/baseline.yaml: 3 parameters of 1 services from stack paws360 \(live: redis\)$/);
    const written = parse(readFileSync(join(ws.root, 'config/copy/baseline.yaml'), 'utf8'));
    expect(written.environment).toBe('copy');
    expect(written.services.redis.parameters.members).toEqual({ value: 2, source: expect.stringMatching(/^snapshot of stack paws360, .* \(runtime layer\)$/) });
    expect(written.services.redis.parameters['maxmemory-policy'].value).toBe('allkeys-lru');
    const diff = testDeps(runtime);
    expect(await diffExecutor({ target: 'copy', json: true }, ws.context('stack', 'diff'), diff.deps)).toEqual({ success: true });
    expect(JSON.parse(diff.logs[0]).summary).toMatchObject({ score: 100, critical: 0 });
  });
});
