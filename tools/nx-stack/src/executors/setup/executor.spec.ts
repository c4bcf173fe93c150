// Specs hand executors their own runtime, so the real one is never made: keep
// dockerode (slow to load) out of this suite.
jest.mock('../../runtime/dockerode-runtime', () => ({ DockerodeRuntime: jest.fn() }));

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestWorkspace, serviceJson, testDeps } from '../../testing/executor-context';
import { FakeRuntime } from '../../testing/fake-runtime';
import setupExecutor from './executor';

const withSecrets = serviceJson({ secrets: ['ETCD_ROOT_PASSWORD'] });

describe('setup executor', () => {
  let ws: TestWorkspace;
  let runtime: FakeRuntime;
  let commands: string[];
  beforeEach(() => {
    ws = TestWorkspace.create({ etcd: { config: withSecrets } });
    runtime = new FakeRuntime();
    commands = [];
  });
  afterEach(() => ws.dispose());

  /** Runs setup with a host-command fake: `effects` may change the fake engine the way the real command would. */
  const run = async (options: Record<string, unknown>, env: NodeJS.ProcessEnv = {}, effects: Record<string, () => number> = {}) => {
    const t = testDeps(runtime, { env });
    const result = await setupExecutor(options, ws.context('stack', 'setup'), t.deps, async (command, args) => {
      const line = [command, ...args.map((a) => a.replace(ws.root, '<ws>'))].join(' ');
      commands.push(line);
      return effects[line]?.() ?? 0;
    });
    return { ...t, result };
  };
  const secrets = () => join(ws.root, '.paws360', 'paws360.env');

  it('a machine with an engine: secrets generated, every image built through nx, preflight ok; a second run changes nothing', async () => {
    const first = await run({});
    expect(first.result).toEqual({ success: true });
    expect(commands).toEqual(['npx nx run-many -t image']);
    expect(readFileSync(secrets(), 'utf8')).toMatch(/^ETCD_ROOT_PASSWORD=\S{20,}$/m);
    const text = first.logs.join('\n');
    expect(text).toMatch(/✓\s+engine\s+ok\s+answers/);
    expect(text).toMatch(/✓\s+secrets\s+done now\s+.*generated with ETCD_ROOT_PASSWORD/);
    expect(text).toMatch(/✓\s+images\s+done now/);
    expect(text).toMatch(/✓\s+preflight\s+ok/);
    expect(text).toMatch(/ready: npm start \(or npx nx run-many -t up\) starts stack "paws360"/);
    const password = readFileSync(secrets(), 'utf8');

    const second = await run({ json: true });
    const report = JSON.parse(second.logs[0]) as { steps: Array<{ step: string; status: string }> };
    expect(report.steps.find((s) => s.step === 'secrets')?.status).toBe('ok');
    expect(readFileSync(secrets(), 'utf8')).toBe(password);
  });

  it('no engine: runs the provisioning script, then goes on once the engine answers', async () => {
    runtime.engineDown();
    ws.writeFile('tools/provision/docker-engine.sh', '#!/bin/sh\n');
    const { result, logs } = await run({}, {}, { 'bash <ws>/tools/provision/docker-engine.sh': () => (runtime.engineDown(false), 0) });
    expect(result).toEqual({ success: true });
    expect(commands).toEqual(['bash <ws>/tools/provision/docker-engine.sh', 'npx nx run-many -t image']);
    expect(logs.join('\n')).toMatch(/✓\s+engine\s+done now\s+provisioned by tools\/provision\/docker-engine.sh/);
  });

  it('no engine with --no-provision (or a DOCKER_HOST): fails naming what to do, builds nothing, still writes the secrets', async () => {
    runtime.engineDown();
    const { result, logs } = await run({ provision: false });
    expect(result).toEqual({ success: false });
    expect(commands).toEqual([]);
    const text = logs.join('\n');
    expect(text).toMatch(/✗\s+engine\s+failed\s+.* → bash tools\/provision\/docker-engine.sh \(or start Docker\)/);
    expect(text).not.toMatch(/images/);
    expect(text).toMatch(/1 step failed/);
    expect(existsSync(secrets())).toBe(true);

    commands = [];
    const podman = await run({}, { DOCKER_HOST: 'unix:///run/podman/podman.sock' });
    expect(podman.result).toEqual({ success: false });
    expect(commands).toEqual([]);
    expect(podman.logs.join('\n')).toContain('start the engine DOCKER_HOST=unix:///run/podman/podman.sock points at');
  });

  it('a missing base image is provisioned; an image build that fails fails setup, naming the step', async () => {
    runtime.images.delete('debian:bookworm-slim');
    ws.writeFile('tools/provision/docker-engine.sh', '#!/bin/sh\n');
    const { result, logs } = await run({}, {}, {
      'bash <ws>/tools/provision/docker-engine.sh': () => (runtime.images.set('debian:bookworm-slim', 'sha256:base'), 0),
      'npx nx run-many -t image': () => 1,
    });
    expect(result).toEqual({ success: false });
    const text = logs.join('\n');
    expect(text).toMatch(/✓\s+base images\s+done now\s+debian:bookworm-slim built by tools\/provision\/docker-engine.sh/);
    expect(text).toMatch(/✗\s+images\s+failed\s+nx run-many -t image exited 1 → the failing image task says why above/);
  });

  it('rejects an unknown option, naming it', async () => {
    const { result, errors } = await run({ provison: false });
    expect(result).toEqual({ success: false });
    expect(errors.join('\n')).toMatch(/provison/);
  });
});
