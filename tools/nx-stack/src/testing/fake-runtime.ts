import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type {
  BuildRequest,
  ContainerInfo,
  ContainerRuntime,
  ContainerSpec,
  ContainerState,
  ContainerStats,
  EngineInfo,
  ExecOptions,
  ExecResult,
  LogOptions,
} from '../runtime/container-runtime';
import { EngineUnavailableError, RuntimeOperationError } from '../runtime/runtime-errors';

/** Every method of ContainerRuntime, by name. */
export type RuntimeMethod = keyof ContainerRuntime;

export interface RecordedCall {
  method: RuntimeMethod;
  args: unknown[];
}

export interface FakeContainer {
  id: string;
  name: string;
  state: ContainerState;
  labels: Record<string, string>;
  imageId: string;
  spec: ContainerSpec;
  startedAt?: string;
  networks: Set<string>;
}

export interface FakeVolume {
  name: string;
  labels: Record<string, string>;
}

export interface FakeNetwork {
  name: string;
  labels: Record<string, string>;
}

interface Failure {
  method: RuntimeMethod;
  /** Fails the nth call of `method` counted from when it was registered (1 = the next one). */
  nth: number;
  seen: number;
  error: (args: unknown[]) => Error;
  /** Keep failing every call from the nth on. */
  sticky: boolean;
}

const matches = (labels: Record<string, string>, filter: Record<string, string>) =>
  Object.entries(filter).every(([k, v]) => (v === '' ? labels[k] !== undefined : labels[k] === v));

const shortId = (seed: string) => createHash('sha256').update(seed).digest('hex');

/**
 * An in-memory ContainerRuntime: containers with states and labels, images,
 * volumes and networks, canned logs and exec results. It behaves like the
 * engine where our code depends on it (409 on a duplicate container name,
 * 404 on a missing image, an in-use volume cannot be removed, a network with
 * containers is not removed) and records every call so tests can assert what
 * was created and removed. Failures are injected with `failOn`, a stopped
 * engine with `engineDown`.
 */
export class FakeRuntime implements ContainerRuntime {
  readonly containers = new Map<string, FakeContainer>();
  /** Image ref (repo:tag) → image id. */
  readonly images = new Map<string, string>();
  readonly volumes = new Map<string, FakeVolume>();
  readonly networks = new Map<string, FakeNetwork>();
  readonly calls: RecordedCall[] = [];
  readonly builds: BuildRequest[] = [];
  /** Lines a build reports through onLine. */
  buildOutput: string[] = ['Step 1/1 : FROM debian:bookworm-slim', 'Successfully built'];
  /** Log text per container name (or id). */
  readonly logText = new Map<string, string>();
  /** Answers exec calls; the default exits 0 with no output. */
  execHandler: (container: FakeContainer, cmd: string[], options: ExecOptions) => ExecResult = () => ({
    exitCode: 0,
    stdout: '',
    stderr: '',
  });
  /** Per method: how long its calls take (to let parallel calls overlap, as on a real engine). */
  readonly latencyMs: Partial<Record<RuntimeMethod, number>> = {};

  private failures: Failure[] = [];
  private down = false;
  private sequence = 0;

  constructor(options: { images?: Record<string, string> | string[] } = {}) {
    const images = options.images ?? ['debian:bookworm-slim'];
    for (const [ref, id] of Array.isArray(images) ? images.map((r) => [r, `sha256:${shortId(r)}`]) : Object.entries(images)) {
      this.images.set(ref, id);
    }
  }

  // ---------- test controls ----------

  /**
   * Makes the nth call of `method` from now on throw: by default a
   * RuntimeOperationError naming the operation and its target, as the real
   * runtime does ("createContainer paws360-etcd-2 failed: injected failure").
   */
  failOn(method: RuntimeMethod, nth = 1, error?: Error | ((args: unknown[]) => Error), options: { sticky?: boolean } = {}): this {
    const make =
      typeof error === 'function'
        ? error
        : error
          ? () => error
          : (args: unknown[]) => new RuntimeOperationError(`${method} ${describeTarget(args)}`.trim(), 'injected failure', 500);
    this.failures.push({ method, nth, seen: 0, error: make, sticky: options.sticky ?? false });
    return this;
  }

  /** Engine stopped (or back): ping and every other call throw EngineUnavailableError. */
  engineDown(down = true): this {
    this.down = down;
    return this;
  }

  /** The calls made to one method, in order. */
  callsTo(method: RuntimeMethod): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  /** Forgets the recorded calls (the state stays). */
  resetCalls(): this {
    this.calls.length = 0;
    this.builds.length = 0;
    return this;
  }

  /** Names of the containers, sorted. */
  containerNames(): string[] {
    return [...this.containers.values()].map((c) => c.name).sort();
  }

  container(name: string): FakeContainer {
    const found = [...this.containers.values()].find((c) => c.name === name);
    if (!found) throw new Error(`fake runtime: no container named ${name} (have: ${this.containerNames().join(', ') || 'none'})`);
    return found;
  }

  /** Sets a container's state behind the plugin's back (a crash, a manual docker stop…). */
  setState(name: string, state: ContainerState): this {
    this.container(name).state = state;
    return this;
  }

  /** Adds a container as if made by someone else (or an earlier run), without recording a call. */
  addContainer(spec: ContainerSpec, state: ContainerState = 'running'): FakeContainer {
    const container = this.makeContainer(spec);
    container.state = state;
    if (state === 'running') container.startedAt = new Date().toISOString();
    return container;
  }

  /** Resource use per container name (or id); a running container without an entry uses nothing. */
  readonly statsOf = new Map<string, Partial<ContainerStats>>();

  setStats(nameOrId: string, stats: Partial<ContainerStats>): this {
    this.statsOf.set(nameOrId, stats);
    return this;
  }

  setLogs(nameOrId: string, text: string): this {
    this.logText.set(nameOrId, text);
    return this;
  }

  volumeNames(): string[] {
    return [...this.volumes.keys()].sort();
  }

  // ---------- ContainerRuntime ----------

  async ping(): Promise<void> {
    await this.enter('ping', []);
  }

  /** What engineInfo answers; specs change it to test low resources. */
  info: EngineInfo = {
    engine: 'docker',
    version: '20.10.24',
    apiVersion: '1.41',
    storageDriver: 'overlay2',
    memoryBytes: 8 * 1024 ** 3,
    cpus: 4,
    os: 'Debian GNU/Linux 12 (bookworm)',
  };

  async engineInfo(): Promise<EngineInfo> {
    await this.enter('engineInfo', []);
    return { ...this.info };
  }

  async imageId(ref: string): Promise<string | undefined> {
    await this.enter('imageId', [ref]);
    return this.images.get(withTag(ref));
  }

  async buildImage(request: BuildRequest, onLine?: (line: string) => void): Promise<void> {
    await this.enter('buildImage', [request]);
    this.builds.push(request);
    for (const line of this.buildOutput) onLine?.(line);
    const id = `sha256:${shortId(`${request.tags[0]}#${++this.sequence}`)}`;
    for (const tag of request.tags) this.images.set(withTag(tag), id);
  }

  async removeImage(ref: string): Promise<void> {
    await this.enter('removeImage', [ref]);
    if (!this.images.delete(withTag(ref))) throw new RuntimeOperationError(`docker rmi ${ref}`, `No such image: ${ref}`, 404);
  }

  async listContainers(labels: Record<string, string>): Promise<ContainerInfo[]> {
    await this.enter('listContainers', [labels]);
    return [...this.containers.values()]
      .filter((c) => matches(c.labels, labels))
      .map((c) => ({ id: c.id, name: c.name, state: c.state, labels: { ...c.labels }, imageId: c.imageId, networks: [...c.networks].sort(), startedAt: c.startedAt }));
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    await this.enter('createContainer', [spec]);
    return this.makeContainer(spec).id;
  }

  async unpauseContainer(id: string): Promise<void> {
    await this.enter('unpauseContainer', [id]);
    const container = this.byId(id, 'docker unpause');
    if (container.state === 'paused') container.state = 'running';
  }

  async startContainer(id: string): Promise<void> {
    await this.enter('startContainer', [id]);
    const container = this.byId(id, 'docker start');
    container.state = 'running';
    container.startedAt = new Date().toISOString();
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    await this.enter('stopContainer', [id, timeoutSeconds]);
    this.byId(id, 'docker stop').state = 'exited';
  }

  async killContainer(id: string, signal = 'SIGKILL'): Promise<void> {
    await this.enter('killContainer', [id, signal]);
    const container = this.byId(id, 'docker kill');
    if (container.state !== 'running') {
      throw new RuntimeOperationError(`docker kill ${id.slice(0, 12)}`, `container ${id} is not running`, 409);
    }
    container.state = 'exited';
  }

  async removeContainer(id: string): Promise<void> {
    await this.enter('removeContainer', [id]);
    // Like the real runtime: force-removes, and a missing container is fine.
    this.containers.delete(id);
  }

  async logs(id: string, options: LogOptions): Promise<string> {
    await this.enter('logs', [id, options]);
    const container = this.byId(id, 'docker logs');
    const text = this.logText.get(container.name) ?? this.logText.get(id) ?? '';
    if (options.tail === undefined) return text;
    const lines = text.replace(/\n$/, '').split('\n');
    return lines.slice(Math.max(0, lines.length - options.tail)).join('\n') + (text.endsWith('\n') ? '\n' : '');
  }

  async followLogs(id: string, options: LogOptions, abort: AbortSignal): Promise<Readable> {
    await this.enter('followLogs', [id, options]);
    const container = this.byId(id, 'docker logs --follow');
    const stream = Readable.from([this.logText.get(container.name) ?? this.logText.get(id) ?? '']);
    abort.addEventListener('abort', () => stream.destroy());
    return stream;
  }

  async exec(id: string, cmd: string[], options: ExecOptions = {}): Promise<ExecResult> {
    await this.enter('exec', [id, cmd, options]);
    const container = this.byId(id, `docker exec ${cmd.join(' ')}`);
    if (container.state !== 'running') {
      throw new RuntimeOperationError(`docker exec ${id.slice(0, 12)} ${cmd.join(' ')}`, `container ${id} is not running`, 409);
    }
    return this.execHandler(container, cmd, options);
  }

  async stats(id: string): Promise<ContainerStats> {
    await this.enter('stats', [id]);
    const container = this.byId(id, 'docker stats');
    const zero: ContainerStats = { cpuPercent: 0, memoryBytes: 0, memoryLimitBytes: this.info.memoryBytes, networkRxBytes: 0, networkTxBytes: 0, blockReadBytes: 0, blockWriteBytes: 0, pids: 0 };
    return { ...zero, ...(this.statsOf.get(container.name) ?? this.statsOf.get(id) ?? {}) };
  }

  async ensureNetwork(name: string, labels: Record<string, string>): Promise<boolean> {
    await this.enter('ensureNetwork', [name, labels]);
    if (this.networks.has(name)) return false;
    this.networks.set(name, { name, labels: { ...labels } });
    return true;
  }

  async removeNetwork(name: string): Promise<boolean> {
    await this.enter('removeNetwork', [name]);
    if ([...this.containers.values()].some((c) => c.networks.has(name))) return false;
    this.networks.delete(name);
    return true;
  }

  async connectNetwork(network: string, containerId: string, aliases: string[]): Promise<void> {
    await this.enter('connectNetwork', [network, containerId, aliases]);
    if (!this.networks.has(network)) throw new RuntimeOperationError(`docker network connect ${network}`, `network ${network} not found`, 404);
    this.byId(containerId, `docker network connect ${network}`).networks.add(network);
  }

  async disconnectNetwork(network: string, containerId: string): Promise<void> {
    await this.enter('disconnectNetwork', [network, containerId]);
    this.byId(containerId, `docker network disconnect ${network}`).networks.delete(network);
  }

  async ensureVolume(name: string, labels: Record<string, string>): Promise<boolean> {
    await this.enter('ensureVolume', [name, labels]);
    if (this.volumes.has(name)) return false;
    this.volumes.set(name, { name, labels: { ...labels } });
    return true;
  }

  async volumeLabels(name: string): Promise<Record<string, string> | undefined> {
    await this.enter('volumeLabels', [name]);
    const volume = this.volumes.get(name);
    return volume ? { ...volume.labels } : undefined;
  }

  async listVolumes(labels: Record<string, string>): Promise<string[]> {
    await this.enter('listVolumes', [labels]);
    return [...this.volumes.values()].filter((v) => matches(v.labels, labels)).map((v) => v.name).sort();
  }

  async removeVolume(name: string): Promise<void> {
    await this.enter('removeVolume', [name]);
    const user = [...this.containers.values()].find((c) => c.spec.mounts.some((m) => m.volume === name));
    if (user) {
      throw new RuntimeOperationError(`docker volume rm ${name}`, `volume is in use by container ${user.name}`, 409);
    }
    this.volumes.delete(name);
  }

  // ---------- internals ----------

  /** Records the call, then plays out engine-down, injected failures and latency. */
  private async enter(method: RuntimeMethod, args: unknown[]): Promise<void> {
    this.calls.push({ method, args });
    if (this.down) throw new EngineUnavailableError('unix:///fake/docker.sock', 'connect ECONNREFUSED /fake/docker.sock');
    for (const failure of this.failures) {
      if (failure.method !== method) continue;
      failure.seen += 1;
      if (failure.seen === failure.nth || (failure.sticky && failure.seen > failure.nth)) throw failure.error(args);
    }
    const latency = this.latencyMs[method];
    if (latency) await new Promise((resolve) => setTimeout(resolve, latency));
  }

  private byId(id: string, operation: string): FakeContainer {
    const container = this.containers.get(id);
    if (!container) throw new RuntimeOperationError(`${operation} ${id.slice(0, 12)}`, `No such container: ${id}`, 404);
    return container;
  }

  private makeContainer(spec: ContainerSpec): FakeContainer {
    if ([...this.containers.values()].some((c) => c.name === spec.name)) {
      throw new RuntimeOperationError(`docker create ${spec.name}`, `Conflict. The container name "/${spec.name}" is already in use`, 409);
    }
    const imageId = this.images.get(withTag(spec.image));
    if (!imageId) throw new RuntimeOperationError(`docker create ${spec.name}`, `No such image: ${spec.image}`, 404);
    const id = shortId(`${spec.name}#${++this.sequence}`);
    const container: FakeContainer = {
      id,
      name: spec.name,
      state: 'created',
      labels: { ...spec.labels },
      imageId,
      spec: structuredClone(spec),
      networks: new Set([spec.network]),
    };
    this.containers.set(id, container);
    return container;
  }
}

/** "debian" → "debian:latest", as the engine resolves a ref without a tag. */
function withTag(ref: string): string {
  if (ref.startsWith('sha256:')) return ref;
  return ref.lastIndexOf(':') > ref.lastIndexOf('/') ? ref : `${ref}:latest`;
}

/** What a call acts on, for messages: a container spec's name, a build's tag, or its first string argument. */
function describeTarget(args: unknown[]): string {
  const [first] = args;
  if (typeof first === 'string') return first;
  if (first && typeof first === 'object') {
    if ('name' in first && typeof first.name === 'string') return first.name;
    if ('tags' in first && Array.isArray(first.tags)) return String(first.tags[0]);
  }
  return '';
}
