import type { ServiceDefinition, ServiceKind } from '../core/service-config';
import type { ContainerInfo, ContainerRuntime } from '../runtime/container-runtime';
import type { LogLineParser } from './log-line';
import type { KindParity } from './parity';

export type ComponentStatus = 'healthy' | 'unhealthy' | 'unknown';

export interface ComponentHealth<R extends string = string> {
  /** Container name, e.g. paws360-etcd-1. */
  name: string;
  status: ComponentStatus;
  /** One of its kind's roles (a typed union per kind), or '-' when it has none right now. */
  role: R | '-';
  detail: string;
  /**
   * Serves its role now, even if not every detail is in place (a leader
   * accepting writes whose replicas are still cloning): what readiness for
   * dependents is judged on. Absent: the same as status === 'healthy'.
   */
  serving?: boolean;
}

export interface ServiceHealth {
  service: string;
  healthy: boolean;
  durationMs: number;
  components: ComponentHealth[];
}

/** One member as the engine sees it right now. */
export interface MemberView {
  member: number;
  containerName: string;
  hostname: string;
  container?: ContainerInfo;
  running: boolean;
  /** Port name → host port on 127.0.0.1. */
  hostPorts: Record<string, number>;
}

export interface ProbeContext {
  runtime: ContainerRuntime;
  stack: string;
  service: ServiceDefinition;
  members: MemberView[];
  /** The service's generated secrets (passwords), for clients that need them. */
  secrets: Record<string, string>;
  /** Any secret of the stack by name (a router probe needs the database password). */
  secret: (name: string) => string;
}

export interface InspectReport {
  service: string;
  /** One row per component, keyed by column. */
  columns: string[];
  rows: Array<Record<string, string | number | boolean | null>>;
  /** Service-wide facts (cluster id, leader, history…). */
  facts: Record<string, unknown>;
}

/** What a service kind knows about itself: when it is healthy, and what to show. */
export interface ServiceProbe {
  health(ctx: ProbeContext): Promise<ComponentHealth[]>;
  inspect(ctx: ProbeContext): Promise<InspectReport>;
}

/** A readiness condition's answer: met or not, and why (what it waits for). */
export interface Readiness {
  ok: boolean;
  reason: string;
}

/** What a failure simulation is called and does (the target name is the executor name). */
export interface SimulationDescriptor {
  name: string;
  description: string;
}

/** A day-to-day operation of a kind (redis:flush): a target of every service of the kind, run by the executor of the same name. */
export type OperationDescriptor = SimulationDescriptor;

/**
 * What Prometheus scrapes of a service, one target per member ("host:port"
 * inside the stack network): an endpoint of its own (path), or an exporter
 * run beside Prometheus that reads the member over its protocol.
 */
export interface ScrapeTarget {
  job: string;
  targets: string[];
  path?: string;
  exporter?: 'postgres' | 'redis';
}

/** A member of a related service as its containers are told it: host name on the stack network, container ports by name. */
export interface TopologyService {
  name: string;
  kind: ServiceKind;
  hosts: string[];
  ports: Record<string, number>;
  /**
   * Per port name, "host:port" of every member as the reader must dial it:
   * the member's host name and container port inside the stack network, or
   * 127.0.0.1 and its published port for a process on the host.
   */
  endpoints: Record<string, string[]>;
  /** Its service.json's metrics endpoint (an application's /metrics), when it declares one. */
  metrics?: { port: string; path: string };
  /** What Prometheus scrapes of it (its kind's `scrape`). */
  scrape?: ScrapeTarget[];
}

/**
 * Where the rendered variables are read: inside the stack network, or by a
 * process on the host (`@paws360/nx-stack:run`), which also gets the
 * translation of every member's in-network address to its published one.
 */
export interface RenderView {
  where: 'network' | 'host';
  /** host view only: "member-host:container-port" → "127.0.0.1:host-port", for every member of the stack. */
  addressMap?: Record<string, string>;
}

/** What a kind renders into its containers, beside the generic PAWS360_* topology variables. */
export type RenderEnv = (related: TopologyService[], view: RenderView) => Record<string, string>;

/**
 * Everything the plugin knows about one kind of service, in one home:
 * its roles, its probe (health and inspect), its readiness conditions, what
 * it needs to know of other services and renders into its containers, and
 * its failure simulations. The registry maps each kind to its module.
 */
export interface KindModule<R extends string = string> {
  kind: ServiceKind;
  /** Every role a member of this kind can hold. */
  roles: readonly R[];
  probe: ServiceProbe;
  /** Ready for dependents: what a service that depends on this one needs to start working. */
  readyForDependents(health: ServiceHealth): Readiness;
  /** Fully healthy: all members in their intended roles (replicas streaming, standbys chosen…). */
  fullyHealthy(health: ServiceHealth): Readiness;
  /**
   * Its volumes keep the passwords its data was initialised with (PostgreSQL's
   * roles; redis.conf and sentinel.conf as Redis and Sentinel rewrite them):
   * up refuses to start members on volumes made with other passwords than the
   * stack's secrets file holds (lifecycle/up). Absent: its data holds none.
   */
  dataKeepsSecrets?: true;
  /** Kinds whose members its containers are told besides its dependencies' (redis asks the Sentinels who the master is). */
  knows: readonly ServiceKind[];
  render?: RenderEnv;
  /** What Prometheus scrapes of a service of this kind (the observability profile); none when absent. */
  scrape?(service: TopologyService): ScrapeTarget[];
  /** Reads its members' log lines (level, time, trace id) for the stack's log view (stack:logs). */
  parseLogLine: LogLineParser;
  simulations: readonly SimulationDescriptor[];
  /** Its operations besides the simulations (redis: flush, monitor). */
  operations?: readonly OperationDescriptor[];
  /**
   * Repairs what starting and re-attaching members cannot (stack:recover):
   * members that run but disagree with the cluster. Returns each action
   * taken, in words; nothing when there was nothing it knows how to fix.
   */
  repair?(ctx: ProbeContext, health: ServiceHealth): Promise<string[]>;
  /** Configuration parity (stack:diff, stack:snapshot): what its files declare and its running members report. */
  parity?: KindParity;
}
