import { acceptedFor, specOf, type AcceptedDifference, type Baseline, type Catalog } from './parity-baseline';
import { coerceValue, fillTemplate, sameValue, showValue, type ParamValue, type Severity } from './parity-values';
import type { ServiceKind } from './service-config';

/**
 * The comparison of the local stack with a baseline, and the parity score
 * (docs/parity.md). Pure: it gets the local values already read.
 */

/** Where a local value comes from: the repository's files, the engine's view of the containers, or the running service itself. */
export const LAYERS = ['declared', 'runtime', 'live'] as const;
export type Layer = (typeof LAYERS)[number];

export type LocalParameter = Partial<Record<Layer, ParamValue>>;

export interface LocalService {
  name: string;
  kind: ServiceKind;
  /** Members with a running container (0: not started, only the declared layer is known). */
  running: number;
  parameters: Record<string, LocalParameter>;
  /** Live values that could not be read, in words (a member that did not answer). */
  problems: string[];
}

export interface LocalConfig {
  stack: string;
  services: LocalService[];
}

export type FindingStatus = 'match' | 'accepted' | 'differs' | 'drift' | 'unread';

export interface Finding {
  service: string;
  parameter: string;
  severity: Severity;
  status: FindingStatus;
  /** The local value (live, else runtime, else declared) and the layer it comes from. */
  local?: ParamValue;
  layer?: Layer;
  target?: ParamValue;
  /** Where the target's value comes from (the baseline's note). */
  source?: string;
  /** Every local layer's value, when they disagree (drift inside the local stack). */
  layers?: LocalParameter;
  fix?: string;
  /** Why an accepted difference is there on purpose; why a value is unread. */
  reason?: string;
}

export interface ParitySummary {
  critical: number;
  warning: number;
  info: number;
  accepted: number;
  matching: number;
  unread: number;
  drift: number;
  compared: number;
  score: number;
  /** 2 when any critical difference exists, else 0 (1 is for errors). */
  exitCode: 0 | 2;
}

export interface ParityReport {
  stack: string;
  target: string;
  findings: Finding[];
  summary: ParitySummary;
  /** Services that do not run: compared on their declared layer only. */
  notRunning: string[];
}

/** Points a difference costs (docs/parity.md): score = max(0, 100 − 30·critical − 5·warning − min(5, info)). */
export const PENALTY: Record<Severity, number> = { critical: 30, warning: 5, info: 1 };
export const MAX_INFO_PENALTY = 5;

export function parityScore(counts: Record<Severity, number>): number {
  const lost = PENALTY.critical * counts.critical + PENALTY.warning * counts.warning + Math.min(MAX_INFO_PENALTY, PENALTY.info * counts.info);
  return Math.max(0, 100 - lost);
}

const effective = (p: LocalParameter): { value?: ParamValue; layer?: Layer } => {
  for (const layer of ['live', 'runtime', 'declared'] as const) if (p[layer] !== undefined) return { value: p[layer], layer };
  return {};
};

export interface CompareOptions {
  catalog: Catalog;
  accepted?: AcceptedDifference[];
}

/** Every parameter the baseline or the local stack knows, compared: one finding each. */
export function compareParity(local: LocalConfig, target: Baseline, targetName: string, options: CompareOptions): ParityReport {
  const { catalog, accepted = [] } = options;
  const findings: Finding[] = [];
  const names = [...new Set([...local.services.map((s) => s.name), ...Object.keys(target.services)])].sort();
  for (const name of names) {
    const service = local.services.find((s) => s.name === name);
    const wanted = target.services[name];
    const kind = service?.kind ?? wanted.kind;
    const parameters = [...new Set([...Object.keys(service?.parameters ?? {}), ...Object.keys(wanted?.parameters ?? {})])].sort();
    for (const parameter of parameters) {
      const spec = specOf(catalog, kind, parameter);
      if (!spec) continue;
      // In the baseline's types: "on" is true, "15.18 (Debian …)" is 15.18.
      const layers = Object.fromEntries(
        Object.entries(service?.parameters[parameter] ?? {}).map(([layer, v]) => [layer, coerceValue(spec.type, v as ParamValue)]),
      ) as LocalParameter;
      const { value, layer } = effective(layers);
      const entry = wanted?.parameters[parameter];
      const present = Object.entries(layers) as Array<[Layer, ParamValue]>;
      const drifted = value !== undefined && present.some(([, v]) => !sameValue(spec.type, v, value));
      const base = { service: name, parameter, severity: spec.severity, local: value, layer, target: entry?.value, source: entry?.source };
      const fill = (template: string) =>
        fillTemplate(template, {
          service: name,
          parameter,
          local: showValue(value),
          target: showValue(entry?.value ?? layers.declared),
          declared: showValue(layers.declared),
          stack: local.stack,
        });
      if (value === undefined) {
        if (entry) {
          const why = !service || service.running === 0 ? 'not running' : service.problems[0] ?? 'not read';
          findings.push({ ...base, status: 'unread', reason: why });
        }
        continue;
      }
      if (!entry && !drifted) continue;
      const differs = entry !== undefined && !sameValue(spec.type, value, entry.value);
      if (drifted) {
        // The declared value is the target's (or there is no target): the running one strayed, bring it back.
        const declaredRight = layers.declared !== undefined && (!entry || sameValue(spec.type, layers.declared, entry.value));
        findings.push({ ...base, status: 'drift', layers, fix: fill(declaredRight ? (spec.drift ?? spec.fix) : spec.fix) });
        continue;
      }
      if (!differs) {
        findings.push({ ...base, status: 'match' });
        continue;
      }
      const ok = acceptedFor(accepted, targetName, name, parameter);
      findings.push(ok ? { ...base, status: 'accepted', reason: ok.reason } : { ...base, status: 'differs', fix: fill(spec.fix) });
    }
  }
  const notRunning = local.services.filter((s) => s.running === 0).map((s) => s.name);
  return { stack: local.stack, target: targetName, findings, summary: summarize(findings), notRunning };
}

export function summarize(findings: Finding[]): ParitySummary {
  const counts: Record<Severity, number> = { critical: 0, warning: 0, info: 0 };
  for (const f of findings) if (f.status === 'differs' || f.status === 'drift') counts[f.severity] += 1;
  const count = (status: FindingStatus) => findings.filter((f) => f.status === status).length;
  return {
    ...counts,
    accepted: count('accepted'),
    matching: count('match'),
    unread: count('unread'),
    drift: count('drift'),
    compared: findings.length,
    score: parityScore(counts),
    exitCode: counts.critical > 0 ? 2 : 0,
  };
}

/** A baseline of what a stack runs (stack:snapshot, --against-stack): every parameter the catalog knows, from its best layer. */
export function snapshotBaseline(local: LocalConfig, catalog: Catalog, environment: string, note: string): Baseline {
  const services: Baseline['services'] = {};
  for (const service of local.services) {
    const parameters: Baseline['services'][string]['parameters'] = {};
    for (const [parameter, layers] of Object.entries(service.parameters).sort(([a], [b]) => a.localeCompare(b))) {
      const spec = specOf(catalog, service.kind, parameter);
      const { value, layer } = effective(layers);
      if (!spec || spec.driftOnly || value === undefined) continue;
      parameters[parameter] = { value: coerceValue(spec.type, value), source: `${note} (${layer} layer)` };
    }
    services[service.name] = { kind: service.kind, parameters };
  }
  return { environment, description: `Snapshot of stack ${local.stack}: ${note}`, services };
}
