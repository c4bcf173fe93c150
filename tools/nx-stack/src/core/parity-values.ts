/**
 * Configuration parity: the values compared between the local stack and a
 * baseline (config/<env>/baseline.yaml), and how two values of each type are
 * told equal. Pure: no file, engine or network access (docs/parity.md).
 */

/** A parameter's value as a layer reports it. */
export type ParamValue = string | number | boolean | string[];

/** How values of a parameter are compared. */
export const PARAM_TYPES = ['string', 'integer', 'boolean', 'size', 'version', 'list'] as const;
export type ParamType = (typeof PARAM_TYPES)[number];

/** critical: breaks behaviour or HA guarantees; warning: performance or timing; info: cosmetic. */
export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };
const SIZE = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?b?)\s*$/i;

/** "128MB", "192mb", "1g", 134217728 → bytes (PostgreSQL and Redis both count in 1024s); undefined when it is not a size. */
export function sizeBytes(value: ParamValue): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const match = SIZE.exec(value);
  if (!match) return undefined;
  return Math.round(Number(match[1]) * SIZE_UNITS[match[2].toLowerCase()]);
}

const TRUE = new Set(['true', 'on', 'yes', '1']);
const FALSE = new Set(['false', 'off', 'no', '0']);

/** true/false from what PostgreSQL (on/off), Redis (yes/no) and YAML (true/false) say; undefined otherwise. */
export function booleanOf(value: ParamValue): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const text = String(value).trim().toLowerCase();
  return TRUE.has(text) ? true : FALSE.has(text) ? false : undefined;
}

/** The leading dotted number of a version string: "15.18 (Debian 15.18-0+deb12u1)" → [15, 18]; "v22.23.5" → [22, 23, 5]. */
export function versionParts(value: ParamValue): number[] | undefined {
  const match = /(\d+(?:\.\d+)*)/.exec(String(value));
  return match ? match[1].split('.').map(Number) : undefined;
}

const listOf = (value: ParamValue) => (Array.isArray(value) ? value : String(value).split(',')).map((v) => v.trim()).filter(Boolean);

/**
 * Whether the local value satisfies the target's. Versions match on the
 * shorter precision ("3.5" is met by 3.5.16, not by 3.4.23); lists as sets;
 * sizes in bytes; booleans in any spelling; strings case-insensitively.
 */
export function sameValue(type: ParamType, local: ParamValue, target: ParamValue): boolean {
  switch (type) {
    case 'integer':
      return Number(local) === Number(target);
    case 'boolean':
      return booleanOf(local) !== undefined && booleanOf(local) === booleanOf(target);
    case 'size': {
      const a = sizeBytes(local);
      const b = sizeBytes(target);
      // "unlimited" (no limit) is only equal to itself.
      return a === undefined || b === undefined ? String(local).trim().toLowerCase() === String(target).trim().toLowerCase() : a === b;
    }
    case 'version': {
      const want = versionParts(target);
      const have = versionParts(local);
      // On the shorter precision: "3.5" is met by 3.5.16 (and a snapshot's 3.5.16 by a declared "3.5"), not by 3.4.23.
      return !!want && !!have && want.slice(0, have.length).every((part, i) => have[i] === part);
    }
    case 'list': {
      const a = [...new Set(listOf(local))].sort();
      const b = [...new Set(listOf(target))].sort();
      return a.length === b.length && a.every((v, i) => v === b[i]);
    }
    default:
      return String(local).trim().toLowerCase() === String(target).trim().toLowerCase();
  }
}

/** A value as a table cell shows it. */
export function showValue(value: ParamValue | undefined): string {
  if (value === undefined) return '-';
  if (Array.isArray(value)) return value.length ? [...value].sort().join(',') : '(none)';
  return String(value);
}

/** "{service}: set {parameter} to {target}" with the finding's values filled in. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

/** A value in the type a baseline stores it as (a snapshot writes what the services answered: "on", "100", "15.18 (Debian…)"). */
export function coerceValue(type: ParamType, value: ParamValue): ParamValue {
  switch (type) {
    case 'integer':
      return Number.isFinite(Number(value)) ? Number(value) : value;
    case 'boolean':
      return booleanOf(value) ?? value;
    case 'version':
      return versionParts(value)?.join('.') ?? String(value);
    case 'list':
      return [...new Set(listOf(value))].sort();
    default:
      return Array.isArray(value) ? value.join(',') : typeof value === 'string' ? value : String(value);
  }
}
