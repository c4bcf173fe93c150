import { StackError } from '../core/errors';
import type { ServiceDefinition } from '../core/service-config';
import { resourceChecks, warned, type PreflightDeps } from './preflight';

/** PAWS360_ACCEPT_LOW_RESOURCES=1: run below the declared minimums without being asked. */
export const acceptsLowResources = (env: NodeJS.ProcessEnv) => ['1', 'true', 'yes'].includes((env.PAWS360_ACCEPT_LOW_RESOURCES ?? '').toLowerCase());

/**
 * What `up` does with the resource part of preflight before it creates
 * anything: below the declared minimums it warns, stating what it found and
 * what is needed (TC-022), and goes on; in CI it aborts unless accepted.
 */
export async function resourceGate(deps: PreflightDeps & { error: (line: string) => void }, services: ServiceDefinition[]): Promise<void> {
  const { checks } = await resourceChecks(deps, services);
  const warnings = warned({ checks });
  if (warnings.length === 0 || acceptsLowResources(deps.env)) return;
  const text = warnings.map((w) => `${w.check}: ${w.detail}${w.fix ? ` (${w.fix})` : ''}`).join('\n  ');
  if (deps.env.CI === 'true' || deps.env.CI === '1') {
    throw new StackError(`Below the stack's minimums:\n  ${text}\n  In CI this aborts; set PAWS360_ACCEPT_LOW_RESOURCES=1 to go on anyway. Nothing was created.`);
  }
  deps.error(`warning: below the stack's minimums (going on; npx nx run stack:preflight shows every check):\n  ${text}`);
}
