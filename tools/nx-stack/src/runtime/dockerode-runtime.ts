// tar-fs 2 ships no types: the reference carries our declaration into every project that compiles this file.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="../types/tar-fs.d.ts" />
import type Dockerode from 'dockerode';
import { Docker } from './dockerode-lean';
import { PassThrough, type Readable } from 'node:stream';
import { pack } from 'tar-fs';
import type {
  BuildRequest,
  ContainerInfo,
  ContainerRuntime,
  ContainerSpec,
  ContainerState,
  ContainerStats,
  ExecOptions,
  EngineInfo,
  ExecResult,
  LogOptions,
} from './container-runtime';
import { demuxBuffer } from './demux';
import { hasLabels, isNetworkExistsError, isNetworkInUseError, networkRemovalRef } from './podman-compat';
import { EngineUnavailableError, RuntimeOperationError, engineReason, isEngineDown } from './runtime-errors';
import { UserError } from '../core/errors';

/** The engine endpoint in use, as a user would write it (for messages). */
export function engineEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_HOST || 'unix:///var/run/docker.sock';
}

/** Orders the engine's RFC 3339 times with nanoseconds (trailing zeros trimmed, so not as strings). */
export function compareCreated(a: string | undefined, b: string | undefined): number {
  const nanos = (time: string | undefined) => {
    const match = /^(.*?)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(time ?? '');
    if (!match) return 0n;
    return BigInt(Date.parse(`${match[1]}${match[3]}`)) * 1_000_000n + BigInt((match[2] ?? '').padEnd(9, '0').slice(0, 9));
  };
  const [x, y] = [nanos(a), nanos(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** "repo/name:tag" → ["repo/name", "tag"] (a registry port's colon is not a tag). */
function splitTag(ref: string): [string, string] {
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, 'latest'];
}

/** The engine's stats answer, as much of it as we read (cgroup v1 and v2, Podman's compat API). */
export interface RawStats {
  cpu_stats?: { cpu_usage?: { total_usage?: number; percpu_usage?: number[] }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
  blkio_stats?: { io_service_bytes_recursive?: Array<{ op?: string; value?: number }> | null };
  pids_stats?: { current?: number };
}

/**
 * docker stats' own arithmetic (docs.docker.com, ContainerStats): CPU % =
 * container delta / system delta × CPUs × 100; memory without the page
 * cache (cgroup v2 inactive_file, v1 total_inactive_file or cache).
 */
export function containerStatsFrom(raw: RawStats): ContainerStats {
  const cpu = raw.cpu_stats ?? {};
  const pre = raw.precpu_stats ?? {};
  const cpuDelta = (cpu.cpu_usage?.total_usage ?? 0) - (pre.cpu_usage?.total_usage ?? 0);
  const systemDelta = (cpu.system_cpu_usage ?? 0) - (pre.system_cpu_usage ?? 0);
  const cpus = cpu.online_cpus || cpu.cpu_usage?.percpu_usage?.length || 1;
  const memory = raw.memory_stats ?? {};
  const stats = memory.stats ?? {};
  const cache = stats.inactive_file ?? stats.total_inactive_file ?? stats.cache ?? 0;
  const usage = memory.usage ?? 0;
  const networks = Object.values(raw.networks ?? {});
  const io = raw.blkio_stats?.io_service_bytes_recursive ?? [];
  const ioBytes = (op: string) => io.filter((e) => e.op?.toLowerCase() === op).reduce((sum, e) => sum + (e.value ?? 0), 0);
  return {
    // Without a previous read (a first sample) there is no interval to measure over.
    cpuPercent: pre.system_cpu_usage && cpuDelta > 0 && systemDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0,
    memoryBytes: Math.max(0, usage > cache ? usage - cache : usage),
    memoryLimitBytes: memory.limit ?? 0,
    networkRxBytes: networks.reduce((sum, n) => sum + (n.rx_bytes ?? 0), 0),
    networkTxBytes: networks.reduce((sum, n) => sum + (n.tx_bytes ?? 0), 0),
    blockReadBytes: ioBytes('read'),
    blockWriteBytes: ioBytes('write'),
    pids: raw.pids_stats?.current ?? 0,
  };
}

/** Docker's label filters: `key=value`, or just `key` (has the label, any value) for an empty value. */
const labelFilters = (labels: Record<string, string>) => ({
  label: Object.entries(labels).map(([k, v]) => (v === '' ? k : `${k}=${v}`)),
});

/**
 * dockerode's options for the engine `env` names. The process's own env:
 * none, dockerode reads DOCKER_HOST (tcp, ssh, TLS) itself. Another env (a
 * test stack's, in the test process): its unix socket, the default one when
 * it names none; any other kind of DOCKER_HOST is refused rather than
 * silently answered by the process's engine.
 */
export function engineOptions(env: NodeJS.ProcessEnv): Dockerode.DockerOptions | undefined {
  const host = env.DOCKER_HOST || undefined;
  if (host === (process.env.DOCKER_HOST || undefined)) return undefined;
  if (host === undefined) return { socketPath: '/var/run/docker.sock' };
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  throw new UserError(`DOCKER_HOST=${host} differs from this process's; only a unix:// socket can be named that way. Run the command with DOCKER_HOST=${host} in its environment.`);
}

/** ContainerRuntime over dockerode; honours DOCKER_HOST (and DOCKER_TLS_VERIFY/DOCKER_CERT_PATH) of its env. */
export class DockerodeRuntime implements ContainerRuntime {
  private readonly docker: Dockerode;

  constructor(docker?: Dockerode, private readonly env: NodeJS.ProcessEnv = process.env) {
    this.docker = docker ?? new Docker(engineOptions(env));
  }

  /** Runs one engine call, turning its failure into an error that names the operation. */
  private async call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (isEngineDown(error)) throw new EngineUnavailableError(engineEndpoint(this.env), engineReason(error), { cause: error });
      const status = (error as { statusCode?: number }).statusCode;
      throw new RuntimeOperationError(operation, engineReason(error), status, { cause: error });
    }
  }

  async ping(): Promise<void> {
    await this.call('docker ping', () => this.docker.ping());
  }

  async imageId(ref: string): Promise<string | undefined> {
    try {
      const info = await this.call(`docker image inspect ${ref}`, () => this.docker.getImage(ref).inspect());
      return info.Id;
    } catch (error) {
      if (error instanceof RuntimeOperationError && error.statusCode === 404) return undefined;
      throw error;
    }
  }

  async buildImage(request: BuildRequest, onLine: (line: string) => void = () => undefined): Promise<void> {
    const operation = `docker build ${request.tags[0]}`;
    // Our own tar of exactly the files we hashed: given a context folder,
    // dockerode filters it through .dockerignore again and would drop a
    // Dockerfile listed there, which docker itself always sends.
    // A copy: tar-fs consumes the entries array it is given.
    const context = pack(request.contextDir, { entries: [...request.files] });
    // The engine reads the whole context before it answers. A context that
    // cannot be read to its end (a file removed or rewritten while it is
    // sent) would leave the request, and the engine with it, waiting for the
    // rest forever: the request is aborted and the error names the folder.
    const abort = new AbortController();
    const contextFailed = new Promise<never>((_, reject) =>
      context.once('error', (error: Error) => {
        reject(
          new RuntimeOperationError(
            operation,
            `its build context ${request.contextDir} changed while it was being sent (${error.message}); build again once nothing writes to it`,
            undefined,
            { cause: error },
          ),
        );
        abort.abort(error);
      }),
    );
    contextFailed.catch(() => undefined);
    const stream = await Promise.race([
      this.call(operation, () =>
        this.docker.buildImage(context, {
          dockerfile: request.dockerfile,
          t: request.tags[0],
          labels: request.labels,
          nocache: request.noCache ?? false,
          // Remove intermediate containers even when a step fails.
          forcerm: true,
          abortSignal: abort.signal,
        }),
      ),
      contextFailed,
    ]);
    await new Promise<void>((resolve, reject) => {
      let failure: string | undefined;
      this.docker.modem.followProgress(
        stream,
        (error: Error | null) => {
          if (error) reject(new RuntimeOperationError(operation, engineReason(error), undefined, { cause: error }));
          else if (failure) reject(new RuntimeOperationError(operation, failure));
          else resolve();
        },
        (event: { stream?: string; error?: string; errorDetail?: { message?: string } }) => {
          if (event.error) failure = event.errorDetail?.message ?? event.error;
          for (const line of (event.stream ?? '').split('\n')) if (line.trim()) onLine(line.trimEnd());
        },
      );
    });
    for (const extra of request.tags.slice(1)) {
      const [repo, tag] = splitTag(extra);
      await this.call(`docker tag ${request.tags[0]} ${extra}`, () => this.docker.getImage(request.tags[0]).tag({ repo, tag }));
    }
  }

  async removeImage(ref: string): Promise<void> {
    await this.call(`docker rmi ${ref}`, () => this.docker.getImage(ref).remove({ force: true }));
  }

  async engineInfo(): Promise<EngineInfo> {
    const [info, version] = await Promise.all([
      this.call('docker info', () => this.docker.info() as Promise<Record<string, unknown>>),
      this.call('docker version', () => this.docker.version() as unknown as Promise<Record<string, unknown>>),
    ]);
    const components = (version.Components as Array<{ Name?: string }> | undefined) ?? [];
    const podman = components.some((c) => /podman/i.test(c.Name ?? ''));
    return {
      engine: podman ? 'podman' : 'docker',
      version: String(version.Version ?? info.ServerVersion ?? 'unknown'),
      apiVersion: String(version.ApiVersion ?? 'unknown'),
      storageDriver: String(info.Driver ?? 'unknown'),
      memoryBytes: Number(info.MemTotal ?? 0),
      cpus: Number(info.NCPU ?? 0),
      rootDir: typeof info.DockerRootDir === 'string' && info.DockerRootDir ? info.DockerRootDir : undefined,
      os: String(info.OperatingSystem ?? version.Os ?? 'unknown'),
    };
  }

  async listContainers(labels: Record<string, string>): Promise<ContainerInfo[]> {
    const list = await this.call('docker ps', () =>
      this.docker.listContainers({ all: true, filters: labelFilters(labels) }),
    );
    return list.map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? '').replace(/^\//, ''),
      state: c.State as ContainerState,
      labels: c.Labels,
      imageId: c.ImageID,
      networks: Object.keys(c.NetworkSettings?.Networks ?? {}).sort(),
    }));
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    const exposed: Record<string, object> = {};
    const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
    for (const port of spec.ports) {
      exposed[`${port.container}/tcp`] = {};
      // 127.0.0.1 only: a developer's stack is never reachable from the network.
      bindings[`${port.container}/tcp`] = [{ HostIp: '127.0.0.1', HostPort: String(port.host) }];
    }
    // By id: a name another `up` has just duplicated would be ambiguous.
    const networkId = await this.requireNetworkId(spec.network, `docker create ${spec.name}`);
    const container = await this.call(`docker create ${spec.name}`, () =>
      this.docker.createContainer({
        name: spec.name,
        Image: spec.image,
        Hostname: spec.hostname,
        Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
        Labels: spec.labels,
        Cmd: spec.cmd,
        ExposedPorts: exposed,
        StopTimeout: spec.stopTimeoutSeconds,
        HostConfig: {
          PortBindings: bindings,
          Mounts: spec.mounts.map((m) => ({ Type: 'volume' as const, Source: m.volume, Target: m.target })),
          RestartPolicy: { Name: 'unless-stopped' },
          NetworkMode: networkId,
          Init: true,
          ...(spec.limits ? { NanoCpus: spec.limits.nanoCpus, Memory: spec.limits.memoryBytes, MemorySwap: spec.limits.memoryBytes } : {}),
        },
        NetworkingConfig: {
          EndpointsConfig: { [networkId]: { Aliases: spec.aliases } },
        },
      }),
    );
    return container.id;
  }

  async startContainer(id: string): Promise<void> {
    try {
      await this.call(`docker start ${id.slice(0, 12)}`, () => this.docker.getContainer(id).start());
    } catch (error) {
      // 304: already running, which is what we asked for.
      if (!(error instanceof RuntimeOperationError && error.statusCode === 304)) throw error;
    }
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    try {
      await this.call(`docker stop ${id.slice(0, 12)}`, () => this.docker.getContainer(id).stop({ t: timeoutSeconds }));
    } catch (error) {
      if (!(error instanceof RuntimeOperationError && error.statusCode === 304)) throw error;
    }
  }

  async killContainer(id: string, signal = 'SIGKILL'): Promise<void> {
    await this.call(`docker kill --signal ${signal} ${id.slice(0, 12)}`, () =>
      this.docker.getContainer(id).kill({ signal }),
    );
  }

  async unpauseContainer(id: string): Promise<void> {
    try {
      await this.call(`docker unpause ${id.slice(0, 12)}`, () => this.docker.getContainer(id).unpause());
    } catch (error) {
      // 409: not paused, which is what we asked for.
      if (!(error instanceof RuntimeOperationError && error.statusCode === 409)) throw error;
    }
  }

  async removeContainer(id: string): Promise<void> {
    try {
      await this.call(`docker rm ${id.slice(0, 12)}`, () => this.docker.getContainer(id).remove({ force: true }));
    } catch (error) {
      if (!(error instanceof RuntimeOperationError && error.statusCode === 404)) throw error;
    }
  }

  async logs(id: string, options: LogOptions): Promise<string> {
    const buffer = (await this.call(`docker logs ${id.slice(0, 12)}`, () =>
      this.docker.getContainer(id).logs({
        stdout: true,
        stderr: true,
        follow: false,
        tail: options.tail,
        since: options.since ?? 0,
        timestamps: options.timestamps ?? false,
      }),
    )) as unknown as Buffer;
    return demuxBuffer(buffer).combined;
  }

  async followLogs(id: string, options: LogOptions, abort: AbortSignal): Promise<Readable> {
    const container = this.docker.getContainer(id);
    const raw = (await this.call(`docker logs --follow ${id.slice(0, 12)}`, () =>
      container.logs({
        stdout: true,
        stderr: true,
        follow: true,
        tail: options.tail,
        since: options.since ?? 0,
        timestamps: options.timestamps ?? false,
      }),
    )) as unknown as Readable;
    const out = new PassThrough();
    this.docker.modem.demuxStream(raw, out, out);
    raw.on('end', () => out.end());
    abort.addEventListener('abort', () => {
      (raw as Readable & { destroy(): void }).destroy();
      out.end();
    });
    return out;
  }

  async exec(id: string, cmd: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const operation = `docker exec ${id.slice(0, 12)} ${cmd.join(' ')}`;
    const container = this.docker.getContainer(id);
    const exec = await this.call(operation, () =>
      container.exec({
        Cmd: cmd,
        AttachStdout: true,
        AttachStderr: true,
        User: options.user,
        Env: options.env ? Object.entries(options.env).map(([k, v]) => `${k}=${v}`) : undefined,
      }),
    );
    const stream = await this.call(operation, () => exec.start({ hijack: true, stdin: false }));
    const chunks: Buffer[] = [];
    const timeoutMs = options.timeoutMs ?? 30_000;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        stream.destroy();
        reject(new RuntimeOperationError(operation, `no exit within ${timeoutMs} ms`));
      }, timeoutMs);
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        clearTimeout(timer);
        resolve();
      });
      stream.on('error', (error: Error) => {
        clearTimeout(timer);
        reject(new RuntimeOperationError(operation, error.message, undefined, { cause: error }));
      });
    });
    const { stdout, stderr } = demuxBuffer(Buffer.concat(chunks));
    const info = await this.call(operation, () => exec.inspect());
    return { exitCode: info.ExitCode ?? -1, stdout, stderr };
  }

  async stats(id: string): Promise<ContainerStats> {
    // stream=false: one sample, with precpu_stats filled from the engine's previous read (about a second).
    const raw = (await this.call(`docker stats --no-stream ${id.slice(0, 12)}`, () =>
      this.docker.getContainer(id).stats({ stream: false }),
    )) as unknown as RawStats;
    return containerStatsFrom(raw);
  }

  /**
   * The network a name stands for. The engine's duplicate check is not atomic:
   * two services' `up` running in parallel can both create `<stack>-backend`.
   * Of networks sharing a name, the first created wins, a rule every process
   * agrees on, since the winner exists before anyone's own create returns.
   */
  private async networkId(name: string): Promise<string | undefined> {
    const list = await this.call('docker network ls', () => this.docker.listNetworks({ filters: { name: [name] } }));
    const same = list.filter((n) => n.Name === name);
    same.sort((a, b) => compareCreated(a.Created, b.Created) || a.Id.localeCompare(b.Id));
    return same[0]?.Id;
  }

  private async requireNetworkId(name: string, operation: string): Promise<string> {
    const id = await this.networkId(name);
    if (!id) throw new RuntimeOperationError(operation, `network ${name} not found`, 404);
    return id;
  }

  async ensureNetwork(name: string, labels: Record<string, string>): Promise<boolean> {
    if (await this.networkId(name)) return false;
    let created: string;
    try {
      const network = await this.call(`docker network create ${name}`, () =>
        this.docker.createNetwork({ Name: name, Driver: 'bridge', Labels: labels, CheckDuplicate: true }),
      );
      created = network.id;
    } catch (error) {
      // A parallel `up` created it first and the engine noticed (Docker 409, Podman 4.3 500): theirs is fine.
      if (isNetworkExistsError(error)) return false;
      throw error;
    }
    if ((await this.networkId(name)) === created) return true;
    // A parallel `up` won the race: remove our duplicate before anyone uses it.
    await this.call(`docker network rm ${created.slice(0, 12)}`, () => this.docker.getNetwork(created).remove()).catch(() => undefined);
    return false;
  }

  async removeNetwork(name: string): Promise<boolean> {
    // Every network of that exact name; duplicates left by an older version
    // (or a lost race) by id, since they make the name itself ambiguous.
    const list = await this.call('docker network ls', () => this.docker.listNetworks({ filters: { name: [name] } }));
    let gone = true;
    const same = list.filter((n) => n.Name === name);
    for (const network of same) {
      try {
        // By name when unique: Podman checks for users by name only (podman-compat.ts).
        await this.call(`docker network rm ${name}`, () => this.docker.getNetwork(networkRemovalRef(name, same, network)).remove());
      } catch (error) {
        if (error instanceof RuntimeOperationError && error.statusCode === 404) continue;
        // Docker 403/409, Podman 500: it still has containers, another service of the stack is using it.
        if (isNetworkInUseError(error)) {
          gone = false;
          continue;
        }
        throw error;
      }
    }
    return gone;
  }

  async connectNetwork(network: string, containerId: string, aliases: string[]): Promise<void> {
    await this.call(`docker network connect ${network} ${containerId.slice(0, 12)}`, () =>
      this.requireNetworkId(network, `docker network connect ${network}`).then((id) =>
        this.docker.getNetwork(id).connect({ Container: containerId, EndpointConfig: { Aliases: aliases } }),
      ),
    );
  }

  async disconnectNetwork(network: string, containerId: string): Promise<void> {
    await this.call(`docker network disconnect ${network} ${containerId.slice(0, 12)}`, () =>
      this.requireNetworkId(network, `docker network disconnect ${network}`).then((id) =>
        this.docker.getNetwork(id).disconnect({ Container: containerId, Force: true }),
      ),
    );
  }

  async ensureVolume(name: string, labels: Record<string, string>): Promise<boolean> {
    if ((await this.volumeLabels(name)) !== undefined) return false;
    await this.call(`docker volume create ${name}`, () => this.docker.createVolume({ Name: name, Labels: labels }));
    return true;
  }

  async volumeLabels(name: string): Promise<Record<string, string> | undefined> {
    try {
      const volume = await this.call(`docker volume inspect ${name}`, () => this.docker.getVolume(name).inspect());
      // Podman answers null for a volume without labels.
      return { ...(volume.Labels ?? {}) };
    } catch (error) {
      if (error instanceof RuntimeOperationError && error.statusCode === 404) return undefined;
      throw error;
    }
  }

  async listVolumes(labels: Record<string, string>): Promise<string[]> {
    const result = await this.call('docker volume ls', () => this.docker.listVolumes({ filters: labelFilters(labels) }));
    // Filtered again here: Podman ORs several label filters on volumes (podman-compat.ts).
    return (result.Volumes ?? []).filter((v) => hasLabels(v.Labels, labels)).map((v) => v.Name).sort();
  }

  async removeVolume(name: string): Promise<void> {
    try {
      await this.call(`docker volume rm ${name}`, () => this.docker.getVolume(name).remove());
    } catch (error) {
      if (!(error instanceof RuntimeOperationError && error.statusCode === 404)) throw error;
    }
  }
}
