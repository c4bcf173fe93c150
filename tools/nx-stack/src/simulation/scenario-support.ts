import { StackError } from '../core/errors';
import type { ServiceDefinition } from '../core/service-config';
import { confirmedHealth } from '../kinds/health';
import type { ServiceHealth } from '../kinds/kind';
import type { ScenarioContext } from './scenario-runner';

const unhealthyLines = (health: ServiceHealth) =>
  health.components.filter((c) => c.status !== 'healthy').map((c) => `  ✗ ${c.name}: ${c.detail}`).join('\n');

/**
 * The precondition every simulation shares: each of `services` healthy, or a
 * StackError naming the unhealthy ones and their members and saying to
 * restore the stack first. Their health, in the order given.
 */
export async function requireHealthy(ctx: ScenarioContext, services: ServiceDefinition[]): Promise<ServiceHealth[]> {
  const healths = await Promise.all(services.map((service) => confirmedHealth(ctx.healthDeps, service)));
  const bad = healths.filter((h) => !h.healthy);
  if (bad.length) {
    throw new StackError(
      `${bad.map((h) => h.service).join(' and ')} ${bad.length > 1 ? 'are' : 'is'} not healthy before the ${ctx.scenario} simulation; ` +
        `run npx nx run stack:restore first.\n${bad.map(unhealthyLines).join('\n')}`,
    );
  }
  return healths;
}

/** Seconds between two timeline times, for measurements. */
export const secondsBetween = (from: number, to: number) => Math.round(to - from) / 1000;
