import type { ExecutorContext, ProjectConfiguration } from '@nx/devkit';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import type { ExecutorDeps } from '../executors/executor-support';
import { SERVICE_TAG } from '../core/constants';
import { Progress } from '../core/progress';
import type { FakeRuntime } from './fake-runtime';

export const BASE_IMAGE = 'debian:bookworm-slim';
export const DEFAULT_DOCKERFILE = `FROM ${BASE_IMAGE}\nCOPY docker-entrypoint.sh /usr/local/bin/\nENTRYPOINT ["docker-entrypoint.sh"]\n`;

/** A small valid service.json (3-member etcd with one port and one volume), with overrides. */
export function serviceJson(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    description: 'test etcd cluster',
    kind: 'etcd',
    replicas: 3,
    ports: [{ name: 'client', container: 2379, host: 2379 }],
    volumes: [{ name: 'data', target: '/var/lib/etcd' }],
    startTimeoutSeconds: 5,
    stopTimeoutSeconds: 3,
    ...overrides,
  };
}

export interface ServiceFixture {
  /** The service.json content (written as JSON), or raw text to write as is. */
  config?: Record<string, unknown> | string;
  /** Dockerfile text; default DEFAULT_DOCKERFILE. null: no Dockerfile. */
  dockerfile?: string | null;
  /** More files of the service folder (relative path → text). */
  files?: Record<string, string>;
  /** Folder relative to the workspace root; default infrastructure/<name>. */
  root?: string;
}

/**
 * A real workspace folder in the OS temp dir holding service folders
 * (service.json + Dockerfile + files), and ExecutorContexts pointing at it.
 */
export class TestWorkspace {
  readonly projects: Record<string, ProjectConfiguration> = {};

  private constructor(readonly root: string) {}

  static create(services: Record<string, ServiceFixture> = {}): TestWorkspace {
    const workspace = new TestWorkspace(mkdtempSync(join(tmpdir(), 'nx-stack-ws-')));
    for (const [name, fixture] of Object.entries(services)) workspace.addService(name, fixture);
    return workspace;
  }

  /** Writes a service folder and registers its project (tagged like the plugin tags it). */
  addService(name: string, fixture: ServiceFixture = {}): string {
    const root = fixture.root ?? `infrastructure/${name}`;
    const config = fixture.config ?? serviceJson();
    this.writeFile(`${root}/service.json`, typeof config === 'string' ? config : JSON.stringify(config, null, 2) + '\n');
    if (fixture.dockerfile !== null) this.writeFile(`${root}/Dockerfile`, fixture.dockerfile ?? DEFAULT_DOCKERFILE);
    if (fixture.files === undefined && fixture.dockerfile === undefined) {
      this.writeFile(`${root}/docker-entrypoint.sh`, '#!/bin/sh\nexec "$@"\n', 0o755);
    }
    for (const [path, text] of Object.entries(fixture.files ?? {})) this.writeFile(`${root}/${path}`, text);
    this.projects[name] = { name, root, tags: [SERVICE_TAG, 'kind:etcd'] };
    return root;
  }

  /** Rewrites a service's service.json (the project stays registered). */
  writeServiceJson(name: string, config: Record<string, unknown>): void {
    this.writeFile(`${this.projects[name].root}/service.json`, JSON.stringify(config, null, 2) + '\n');
  }

  writeFile(path: string, text: string, mode?: number): string {
    const file = join(this.root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    if (mode !== undefined) chmodSync(file, mode);
    return file;
  }

  /** The context Nx hands an executor running `<projectName>:<targetName>`. */
  context(projectName: string, targetName = 'up'): ExecutorContext {
    return {
      root: this.root,
      cwd: this.root,
      isVerbose: false,
      projectName,
      targetName,
      projectsConfigurations: { version: 2, projects: this.projects },
      nxJsonConfiguration: {},
      projectGraph: { nodes: {}, dependencies: {} },
    };
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** A stream that keeps what is written to it (for Progress). */
export class CollectingStream extends Writable {
  readonly chunks: string[] = [];
  isTTY = false;

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.chunks.push(chunk.toString());
    callback();
  }

  text(): string {
    return this.chunks.join('');
  }
}

export interface TestDeps {
  deps: ExecutorDeps;
  /** Lines the executor logged (deps.log). */
  logs: string[];
  /** Lines it reported as errors (deps.error). */
  errors: string[];
  /** What its progress reporter wrote. */
  progressOut: CollectingStream;
}

/**
 * ExecutorDeps over a fake runtime: log and error collectors, every port
 * free, a fast poll, a quiet non-interactive progress and env without any
 * PAWS360_* variable (default stack name).
 */
export function testDeps(
  runtime: FakeRuntime,
  overrides: Partial<ExecutorDeps> = {},
): TestDeps {
  const logs: string[] = [];
  const errors: string[] = [];
  const progressOut = new CollectingStream();
  const deps: ExecutorDeps = {
    runtime,
    log: (line) => logs.push(line),
    error: (line) => errors.push(line),
    env: {},
    progress: new Progress(progressOut, false),
    portFree: async () => true,
    pollMs: 2,
    ...overrides,
  };
  return { deps, logs, errors, progressOut };
}
