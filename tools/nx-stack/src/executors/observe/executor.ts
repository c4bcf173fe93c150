import type { ExecutorContext } from '@nx/devkit';
import { z } from 'zod';
import { renderHealth } from '../../kinds/render-health';
import { startProfile } from '../../observe/profile';
import { coloursFor, allServices, defaultDeps, parseOptions, runExecutor, stackOf, type ExecutorDeps } from '../executor-support';
import type { ObserveExecutorSchema } from './schema';

export const observeOptions = z
  .object({
    profile: z.string().regex(/^[a-z][a-z0-9-]*$/, 'expected a profile name').default('observe'),
    json: z.boolean().default(false),
  })
  .strict();

export default async function observeExecutor(
  options: ObserveExecutorSchema,
  context: ExecutorContext,
  deps: ExecutorDeps = defaultDeps(),
): Promise<{ success: boolean }> {
  return runExecutor(deps, async () => {
    const parsed = parseOptions(observeOptions, options, 'observe');
    const stackDeps = { ...deps, log: parsed.json ? () => undefined : deps.log, stack: stackOf(deps), workspaceRoot: context.root };
    const result = await startProfile(stackDeps, allServices(context, { profiles: true }), parsed.profile);
    if (parsed.json) deps.log(JSON.stringify(result));
    else {
      deps.log(renderHealth(result.health, undefined, coloursFor(deps)));
      for (const url of result.urls) deps.log(`${url.service}: ${url.url}`);
      deps.log(`profile ${parsed.profile}: every target up ${(result.durationMs / 1000).toFixed(1)} s after the start`);
    }
    return result.healthy;
  });
}
