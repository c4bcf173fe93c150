import type { Readable } from 'node:stream';

/** What the plugin needs from a container engine, and nothing more. */
export interface ContainerRuntime {
  /** Throws EngineUnavailableError when no engine answers. */
  ping(): Promise<void>;
  /** Which engine answers and what it offers (preflight). */
  engineInfo(): Promise<EngineInfo>;
  /** The image's id, or undefined when no such image is present. */
  imageId(ref: string): Promise<string | undefined>;
  buildImage(request: BuildRequest, onLine?: (line: string) => void): Promise<void>;
  removeImage(ref: string): Promise<void>;

  /** Every container (running or not) carrying these labels; an empty value matches any value of that label. */
  listContainers(labels: Record<string, string>): Promise<ContainerInfo[]>;
  createContainer(spec: ContainerSpec): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** Stops gracefully (SIGTERM, then SIGKILL after timeoutSeconds); a stopped container is fine. */
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  /** Sends a signal right away (SIGKILL by default): a hard crash. */
  killContainer(id: string, signal?: string): Promise<void>;
  removeContainer(id: string): Promise<void>;
  /** Resumes a paused container (docker unpause); a running one is fine. */
  unpauseContainer(id: string): Promise<void>;
  /** The container's log as one text, stdout and stderr interleaved. */
  logs(id: string, options: LogOptions): Promise<string>;
  /** A live log stream (for --follow); ends when the container stops or `abort` fires. */
  followLogs(id: string, options: LogOptions, abort: AbortSignal): Promise<Readable>;
  exec(id: string, cmd: string[], options?: ExecOptions): Promise<ExecResult>;
  /** One sample of a running container's resource use (docker stats --no-stream). */
  stats(id: string): Promise<ContainerStats>;

  /** Creates the network when missing; true when it was created now. */
  ensureNetwork(name: string, labels: Record<string, string>): Promise<boolean>;
  /** Removes the network; false when containers still use it. */
  removeNetwork(name: string): Promise<boolean>;
  connectNetwork(network: string, containerId: string, aliases: string[]): Promise<void>;
  disconnectNetwork(network: string, containerId: string): Promise<void>;

  /** Creates the volume when missing; true when it was created now. */
  ensureVolume(name: string, labels: Record<string, string>): Promise<boolean>;
  /** The labels of the volume, or undefined when there is no volume of that name. */
  volumeLabels(name: string): Promise<Record<string, string> | undefined>;
  /** Volumes carrying these labels (an empty value matches any value). */
  listVolumes(labels: Record<string, string>): Promise<string[]>;
  removeVolume(name: string): Promise<void>;
}

export interface EngineInfo {
  /** "docker" or "podman" (Podman's Docker-compatible API says so in its version components). */
  engine: 'docker' | 'podman';
  version: string;
  apiVersion: string;
  storageDriver: string;
  /** Memory and CPUs the engine's containers can use (Docker Desktop's VM, or the host). */
  memoryBytes: number;
  cpus: number;
  /** Where it keeps images and volumes (its disk), when it says. */
  rootDir?: string;
  os: string;
}

export interface BuildRequest {
  contextDir: string;
  /** Relative to contextDir. */
  dockerfile: string;
  /** Files (relative to contextDir) sent as the build context. */
  files: string[];
  tags: string[];
  labels: Record<string, string>;
  noCache?: boolean;
}

export interface ContainerSpec {
  name: string;
  image: string;
  hostname: string;
  env: Record<string, string>;
  labels: Record<string, string>;
  cmd?: string[];
  network: string;
  aliases: string[];
  /** Published on 127.0.0.1 only. */
  ports: Array<{ container: number; host: number }>;
  mounts: Array<{ volume: string; target: string }>;
  stopTimeoutSeconds: number;
  /** CPU (in billionths of a CPU) and memory (bytes, swap included) limits; none when absent. */
  limits?: { nanoCpus: number; memoryBytes: number };
}

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface ContainerInfo {
  id: string;
  name: string;
  state: ContainerState;
  labels: Record<string, string>;
  imageId: string;
  /** Networks it is attached to (a partition simulation detaches it from the stack's). */
  networks: string[];
  /** When it last started (ISO time), for uptime. */
  startedAt?: string;
}

export interface LogOptions {
  tail?: number;
  /** Unix seconds, or a duration such as "10m" (resolved by the caller). */
  since?: number;
  timestamps?: boolean;
}

/** A container's resource use as `docker stats` shows it. */
export interface ContainerStats {
  /** CPU over the engine's sampling interval, in percent of one core (200 = two cores busy). */
  cpuPercent: number;
  /** Memory in use, page cache excluded (what docker stats shows). */
  memoryBytes: number;
  /** Its memory limit (the engine's memory when it has none). */
  memoryLimitBytes: number;
  networkRxBytes: number;
  networkTxBytes: number;
  blockReadBytes: number;
  blockWriteBytes: number;
  pids: number;
}

export interface ExecOptions {
  user?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}
