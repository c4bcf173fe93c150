import type { ExecutorContext } from '@nx/devkit';
import { z } from 'zod';
import { StackError } from '../../core/errors';
import { pause, untilInterrupted } from '../../core/interrupt';
import { renderStats } from '../../observe/render-stats';
import { stackStats } from '../../observe/stats';
import { coloursFor, defaultDeps, parseOptions, runExecutor, stackOf, type ExecutorDeps } from '../executor-support';
import type { StackStatsExecutorSchema } from './schema';

export const stackStatsOptions = z
  .object({
    json: z.boolean().default(false),
    watch: z.boolean().default(false),
    interval: z.number().min(1).default(2),
  })
  .strict();

export default async function stackStatsExecutor(
  options: StackStatsExecutorSchema,
  _context: ExecutorContext,
  deps: ExecutorDeps = defaultDeps(),
): Promise<{ success: boolean }> {
  return runExecutor(deps, async () => {
    const parsed = parseOptions(stackStatsOptions, options, 'stack-stats');
    const stack = stackOf(deps);
    const colours = coloursFor(deps);
    const once = async () => {
      const stats = await stackStats(deps.runtime, stack);
      if (stats.containers.length === 0) throw new StackError(`stack ${stack} has no containers: start it with npm start`);
      deps.log(parsed.json ? JSON.stringify(stats) : `${renderStats(stats, colours)}\n${colours.dim(`sampled in ${stats.durationMs} ms`)}`);
    };
    if (!parsed.watch) {
      await once();
      return true;
    }
    // --watch: a new sample every interval until Ctrl-C (the screen cleared on a terminal).
    await untilInterrupted(async (signal) => {
      while (!signal.aborted) {
        if (colours.enabled && !parsed.json) deps.log('\u001b[2J\u001b[H');
        await once();
        await pause(parsed.interval * 1000, signal);
      }
    });
    return true;
  });
}
