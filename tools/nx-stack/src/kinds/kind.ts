import type { ServiceDefinition } from '../core/service-config';
import type { ContainerInfo, ContainerRuntime } from '../runtime/container-runtime';

export type ComponentStatus = 'healthy' | 'unhealthy' | 'unknown';

export interface ComponentHealth {
  /** Container name, e.g. paws360-etcd-1. */
  name: string;
  status: ComponentStatus;
  role: string;
  detail: string;
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
