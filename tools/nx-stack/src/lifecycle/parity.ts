import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LABELS, imageNamespace } from '../core/naming';
import {
  baselineEnvironments,
  baselineHash,
  loadAccepted,
  loadBaseline,
  loadCatalog,
  type Baseline,
  type Catalog,
} from '../core/parity-baseline';
import { compareParity, type LocalConfig, type LocalParameter, type LocalService, type ParityReport } from '../core/parity-compare';
import type { ParamValue } from '../core/parity-values';
import { readSecrets } from '../core/secrets';
import type { ServiceDefinition } from '../core/service-config';
import { probeContext, type HealthDeps } from '../kinds/health';
import type { MemberView } from '../kinds/kind';
import { agreed } from '../kinds/parity';
import { kindModule } from '../kinds/registry';
import { planImage } from './image';
import { memberSpecs } from './member-spec';
import { topologyEnv } from './topology';

/**
 * Reads the local stack's configuration in three layers (docs/parity.md):
 * declared (service.json and the files its kind renders from), runtime (the
 * engine's view of the containers: how many run, their limits, whether each
 * was created from the current declaration) and live (what the running
 * services answer, through their kind's parity module).
 */

export type ParityDeps = HealthDeps;

/** Parameters every service has: the cluster size, its limits, its container ports. */
function declaredCommon(service: ServiceDefinition): Record<string, ParamValue> {
  const { config } = service;
  return {
    members: config.replicas,
    cpus: config.resources ? String(config.resources.cpus) : 'unlimited',
    memory: config.resources?.memory ?? 'unlimited',
    ports: config.ports.map((p) => `${p.name}=${p.container}`),
    container_config: 'current',
  };
}

/** "cpus=1 memory=256m" (the limits label) as its parts. */
const limitsOf = (label: string | undefined) => Object.fromEntries((label ?? '').split(/\s+/).filter(Boolean).map((kv) => kv.split('=') as [string, string]));

/**
 * Whether each running member was created from the service's current
 * declaration: its config-hash label against the hash `up` would give it
 * now (image built from the current files, env, topology, limits). An app
 * whose image is built from a bundle is not checked (hashing the bundle
 * costs more than the whole diff); neither is a service whose image was never planned.
 */
async function containerConfig(deps: ParityDeps, service: ServiceDefinition, services: ServiceDefinition[], running: MemberView[]): Promise<string | undefined> {
  if (service.config.image.buildTarget || running.length === 0) return undefined;
  try {
    const image = await planImage(deps.runtime, deps.workspaceRoot, service, imageNamespace(deps.env ?? {}));
    const secrets = readSecrets(deps.workspaceRoot, deps.stack, service.config.secrets);
    const specs = memberSpecs(deps.stack, service, image.tag, secrets, deps.env, topologyEnv(service, services));
    const stale = running.filter((view) => view.container?.labels[LABELS.configHash] !== specs[view.member - 1]?.configHash);
    return stale.length === 0 ? 'current' : `stale: ${stale.map((v) => v.hostname).join(',')}`;
  } catch {
    return undefined;
  }
}

async function readService(deps: ParityDeps, service: ServiceDefinition, services: ServiceDefinition[], live: boolean): Promise<LocalService> {
  const kind = kindModule(service.config.kind);
  const parameters: Record<string, LocalParameter> = {};
  const set = (layer: keyof LocalParameter, values: Record<string, ParamValue>) => {
    for (const [name, value] of Object.entries(values)) (parameters[name] ??= {})[layer] = value;
  };
  set('declared', { ...declaredCommon(service), ...(kind.parity?.declared(service, deps.workspaceRoot) ?? {}) });

  const ctx = await probeContext(deps, service);
  const running = ctx.members.filter((m) => m.running);
  const problems: string[] = [];
  if (running.length > 0) {
    const runtime: Record<string, ParamValue> = { members: running.length };
    const limits = running.map((view) => [view.hostname, limitsOf(view.container?.labels[LABELS.limits])] as const);
    const cpus = agreed(limits.map(([member, l]) => [member, l.cpus ?? 'unlimited']));
    const memory = agreed(limits.map(([member, l]) => [member, l.memory ?? 'unlimited']));
    if (cpus !== undefined) runtime.cpus = cpus;
    if (memory !== undefined) runtime.memory = memory;
    const current = await containerConfig(deps, service, services, running);
    if (current !== undefined) runtime.container_config = current;
    set('runtime', runtime);
    if (live && kind.parity) {
      const reading = await kind.parity.live(ctx);
      set('live', reading.values);
      problems.push(...reading.problems);
    }
  }
  return { name: service.name, kind: service.config.kind, running: running.length, parameters, problems };
}

/** Every service's three layers, read in parallel (the slowest service sets the time). `live: false` reads declared and runtime only. */
export async function readLocalConfig(deps: ParityDeps, services: ServiceDefinition[], options: { live?: boolean } = {}): Promise<LocalConfig> {
  const live = options.live ?? true;
  return { stack: deps.stack, services: await Promise.all(services.map((service) => readService(deps, service, services, live))) };
}

/** Declared layer only: no engine, no network (what `up` checks before it starts anything). */
export function declaredConfig(deps: Pick<ParityDeps, 'workspaceRoot' | 'stack'>, services: ServiceDefinition[]): LocalConfig {
  return {
    stack: deps.stack,
    services: services.map((service) => {
      const kind = kindModule(service.config.kind);
      const values = { ...declaredCommon(service), ...(kind.parity?.declared(service, deps.workspaceRoot) ?? {}) };
      return {
        name: service.name,
        kind: service.config.kind,
        running: service.config.replicas,
        parameters: Object.fromEntries(Object.entries(values).map(([name, declared]) => [name, { declared }])),
        problems: [],
      };
    }),
  };
}

export interface ParityInputs {
  catalog: Catalog;
  baseline: Baseline;
}

/** The comparison of the local stack with config/<environment>/baseline.yaml. */
export async function diffAgainstBaseline(deps: ParityDeps, services: ServiceDefinition[], environment: string): Promise<ParityReport> {
  const catalog = loadCatalog(deps.workspaceRoot);
  const baseline = loadBaseline(deps.workspaceRoot, environment, catalog);
  const accepted = loadAccepted(deps.workspaceRoot);
  const local = await readLocalConfig(deps, services);
  const report = compareParity(local, baseline, environment, { catalog, accepted });
  if (report.summary.critical === 0) recordInLine(deps, environment);
  return report;
}

// Drift on start ---------------------------------------------------------------

/** .paws360/<stack>.parity.json: per environment, the baseline hash the stack was last in line with. */
export const parityRecordFile = (workspaceRoot: string, stack: string) => join(workspaceRoot, '.paws360', `${stack}.parity.json`);

type ParityRecord = Record<string, { baselineHash: string; at: string }>;

function readRecord(workspaceRoot: string, stack: string): ParityRecord {
  const file = parityRecordFile(workspaceRoot, stack);
  try {
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ParityRecord) : {};
  } catch {
    return {};
  }
}

/** Notes that the stack is in line (no critical difference) with the environment's current baseline. */
export function recordInLine(deps: Pick<ParityDeps, 'workspaceRoot' | 'stack'>, environment: string, now = new Date()): void {
  const file = parityRecordFile(deps.workspaceRoot, deps.stack);
  const record = readRecord(deps.workspaceRoot, deps.stack);
  record[environment] = { baselineHash: baselineHash(deps.workspaceRoot, environment), at: now.toISOString() };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

/**
 * What `up` says when a baseline changed since the stack was last in line
 * with it (a pull brought new staging values) and the declared configuration
 * now has a critical difference with it: one line per environment, naming
 * the command that shows the difference. In line again (the fix applied):
 * recorded silently. Files only: no engine, no network.
 */
export function baselineDriftLines(deps: Pick<ParityDeps, 'workspaceRoot' | 'stack'>, services: ServiceDefinition[]): string[] {
  const environments = baselineEnvironments(deps.workspaceRoot);
  if (environments.length === 0) return [];
  const record = readRecord(deps.workspaceRoot, deps.stack);
  const changed = environments.filter((env) => record[env]?.baselineHash !== baselineHash(deps.workspaceRoot, env));
  if (changed.length === 0) return [];
  const catalog = loadCatalog(deps.workspaceRoot);
  const accepted = loadAccepted(deps.workspaceRoot);
  const local = declaredConfig(deps, services);
  const lines: string[] = [];
  for (const environment of changed) {
    const report = compareParity(local, loadBaseline(deps.workspaceRoot, environment, catalog), environment, { catalog, accepted });
    const critical = report.findings.filter((f) => (f.status === 'differs' || f.status === 'drift') && f.severity === 'critical');
    if (critical.length === 0) {
      recordInLine(deps, environment);
      continue;
    }
    const named = critical.slice(0, 3).map((f) => `${f.service} ${f.parameter}`).join(', ');
    lines.push(
      `config/${environment} changed since this stack was last in line with it: ${critical.length} critical difference${critical.length === 1 ? '' : 's'} ` +
        `(${named}${critical.length > 3 ? ', …' : ''}); npx nx run stack:diff:${environment} shows them with the fix`,
    );
  }
  return lines;
}
