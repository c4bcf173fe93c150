import { StackError } from '../core/errors';
import { hostPort } from '../core/naming';
import type { ServiceDefinition } from '../core/service-config';
import type { ServiceHealth } from '../kinds/kind';
import { upService, type UpDeps } from '../lifecycle/up';
import { waitHealthy } from '../lifecycle/wait';

export interface ProfileResult {
  profile: string;
  healthy: boolean;
  health: ServiceHealth[];
  /** Where each profile service's UI answers (its first port, 127.0.0.1 only). */
  urls: Array<{ service: string; url: string }>;
  durationMs: number;
}

/** The services of an opt-in profile (service.json "profile"), in name order. */
export function profileServices(services: ServiceDefinition[], profile: string): ServiceDefinition[] {
  return services.filter((s) => s.config.profile === profile);
}

/**
 * Starts a profile on the running stack: each of its services through the
 * same `up` as any other (its dependencies must be running: a profile
 * observes the stack, it does not start it), then waits until each is fully
 * healthy (Prometheus: every scrape target up).
 */
export async function startProfile(deps: UpDeps, services: ServiceDefinition[], profile: string): Promise<ProfileResult> {
  const started = Date.now();
  const members = profileServices(services, profile);
  if (members.length === 0) {
    const known = [...new Set(services.flatMap((s) => (s.config.profile ? [s.config.profile] : [])))];
    throw new StackError(`no service belongs to profile "${profile}" (profiles: ${known.join(', ') || 'none'}): set "profile" in a service.json`);
  }
  const byName = new Map(services.map((s) => [s.name, s]));
  const health: ServiceHealth[] = [];
  for (const service of members) {
    const dependencies = service.config.dependsOn.flatMap((name) => byName.get(name) ?? []);
    await upService(deps, service, { dependencies, services, until: 'ready' });
    health.push(await waitHealthy(deps, service, service.config.startTimeoutSeconds));
  }
  const urls = members.flatMap((s) => (s.config.ports[0] ? [{ service: s.name, url: `http://127.0.0.1:${hostPort(s, s.config.ports[0], 1, deps.env)}` }] : []));
  return { profile, healthy: health.every((h) => h.healthy), health, urls, durationMs: Date.now() - started };
}
