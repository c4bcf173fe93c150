import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParamValue } from '../core/parity-values';
import type { ServiceDefinition } from '../core/service-config';
import type { MemberView, ProbeContext } from './kind';

/**
 * What a kind contributes to configuration parity (docs/parity.md): the
 * parameters its own files declare (templates, entrypoint defaults) and the
 * ones its running members report (SHOW, /config, CONFIG GET, SENTINEL
 * MASTER, /version, /actuator/info). Names are the catalog's
 * (config/parameters.yaml) for the kind; `members` is the cluster size as
 * the service itself sees it.
 */
export interface KindParity {
  declared(service: ServiceDefinition, workspaceRoot: string): Record<string, ParamValue>;
  live(ctx: ProbeContext): Promise<LiveParameters>;
}

export interface LiveParameters {
  values: Record<string, ParamValue>;
  /** What could not be read, in words ("redis-2: ECONNREFUSED"). */
  problems: string[];
}

/** A file of the service's folder as text, or '' when it is not there (a service without that file declares nothing from it). */
export function serviceFile(service: ServiceDefinition, workspaceRoot: string, name: string): string {
  const file = join(workspaceRoot, service.root, name);
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

/** `directive value` lines of a redis.conf-style file (comments skipped), last one wins, names lower-cased. */
export function confDirectives(text: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const words = line.split(/\s+/);
    if (prefix) {
      if (words[0].toLowerCase() !== prefix) continue;
      words.shift();
    }
    out[words[0].toLowerCase()] = words.slice(1).join(' ');
  }
  return out;
}

/**
 * One value from every member that answered: the value when they agree,
 * "member=value,…" when they do not (which then differs from the declared
 * value: drift between members is drift too).
 */
export function agreed(byMember: Array<[string, ParamValue | undefined]>): ParamValue | undefined {
  const answered = byMember.filter((entry): entry is [string, ParamValue] => entry[1] !== undefined);
  if (answered.length === 0) return undefined;
  const distinct = new Set(answered.map(([, v]) => JSON.stringify(v)));
  if (distinct.size === 1) return answered[0][1];
  return answered.map(([member, v]) => `${member}=${Array.isArray(v) ? v.join('+') : v}`).join(',');
}

/** Per parameter, agreed() over the members' readings. */
export function agreedValues(readings: Array<[string, Record<string, ParamValue>]>): Record<string, ParamValue> {
  const names = new Set(readings.flatMap(([, values]) => Object.keys(values)));
  const out: Record<string, ParamValue> = {};
  for (const name of names) {
    const value = agreed(readings.map(([member, values]) => [member, values[name]]));
    if (value !== undefined) out[name] = value;
  }
  return out;
}

export const problemOf = (member: string, error: unknown) => `${member}: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`;

/**
 * One reading per running member, in parallel: the values they agree on
 * (agreedValues), and a problem line for each member that could not be read.
 * `read` may return undefined for a member with nothing to say.
 */
export async function readEveryMember(
  members: MemberView[],
  read: (view: MemberView) => Promise<Record<string, ParamValue> | undefined>,
): Promise<LiveParameters> {
  const problems: string[] = [];
  const readings = await Promise.all(
    members
      .filter((m) => m.running)
      .map(async (view): Promise<[string, Record<string, ParamValue>] | undefined> => {
        try {
          const values = await read(view);
          return values && [view.hostname, values];
        } catch (error) {
          problems.push(problemOf(view.hostname, error));
          return undefined;
        }
      }),
  );
  return { values: agreedValues(readings.filter((r) => r !== undefined)), problems };
}
