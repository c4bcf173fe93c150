import type { ExecutorContext } from '@nx/devkit';
import { z } from 'zod';
import { awaitAcks, awaitNewLeader, awaitRejoin, DEFAULT_WRITE_ON_MS, defaultSimDeps, mark, markAt, patroniScene, type PatroniSimDeps, patroniWriterOptions, restoreMember, routerCheck, secondsBetween, sleep, startWriter, verifyWrites } from '../../simulation/patroni-simulation';
import { renderReport, passed, reportJson, type SimulationReport } from '../../simulation/simulation-report';
import { firstAckSentAfter, longestGap } from '../../simulation/sql-writer';
import { Timeline } from '../../simulation/timeline';
import { defaultDeps, parseOptions, runExecutor, type ExecutorDeps } from '../executor-support';
import type { FailLeaderExecutorSchema } from './schema';

export const failLeaderOptions = z
  .object({
    ...patroniWriterOptions,
  })
  .strict();

/**
 * Hard-stops the Patroni leader (SIGKILL: no chance to hand its leader key
 * over; `docker kill` does not trigger a restart policy either) while a
 * writer inserts through the router, then measures how long until writes are
 * acknowledged again, checks none of the acknowledged ones is missing, starts
 * the old leader again and waits until it is back as a replica.
 */
export default async function failLeaderExecutor(
  options: FailLeaderExecutorSchema,
  context: ExecutorContext,
  deps: ExecutorDeps = defaultDeps(),
  sim: PatroniSimDeps = defaultSimDeps(),
): Promise<{ success: boolean }> {
  return runExecutor(deps, async () => {
    const opts = parseOptions(failLeaderOptions, options, 'fail-leader');
    const scene = await patroniScene(context, deps, 'fail-leader');
    const { patroni, leader: victim } = scene;
    const timeline = new Timeline();
    const checks: SimulationReport['checks'] = [];
    const measurements: SimulationReport['measurements'] = {};
    const writer = startWriter(scene, sim, timeline, 'fail-leader', opts.writeIntervalMs);

    await mark(deps, scene, `fail-leader: hard-stopping ${victim.containerName} (leader)`);
    try {
      await writer.prepare();
      writer.start();
      await awaitAcks(writer, 5, 15_000);
      timeline.mark(`${patroni.name} healthy, leader ${victim.containerName}; writer inserting through ${scene.routerView.containerName}`);

      await deps.runtime.killContainer(victim.container.id);
      const killedAt = timeline.mark(`${victim.containerName} (leader) hard-stopped (SIGKILL)`);
      const deadline = Date.now() + opts.timeoutSeconds * 1000;

      let resumed = firstAckSentAfter(writer.acks, killedAt);
      while (!resumed && Date.now() < deadline) {
        await sleep(20);
        resumed = firstAckSentAfter(writer.acks, killedAt);
      }
      if (resumed) markAt(timeline, resumed.ackedAt, `first insert acknowledged after the kill (sent at +${(resumed.sentAt / 1000).toFixed(2)}s)`);
      measurements.failoverSeconds = resumed ? secondsBetween(killedAt, resumed.ackedAt) : 'none';
      checks.push({
        name: 'writes resume through the router',
        ok: resumed !== undefined,
        detail: resumed ? `after ${secondsBetween(killedAt, resumed.ackedAt).toFixed(2)}s` : `not within ${opts.timeoutSeconds}s`,
      });

      const elected = await awaitNewLeader(scene.healthDeps, patroni, victim.containerName, timeline, Math.max(1000, deadline - Date.now()));
      measurements.newLeader = elected?.name ?? 'none';
      if (elected) timeline.mark(`${elected.name} is leader`);
      checks.push({
        name: 'a replica is promoted',
        ok: elected !== undefined,
        detail: elected ? `${elected.name} is leader` : `no leader other than ${victim.containerName} within ${opts.timeoutSeconds}s`,
      });

      await sleep(sim.writeOnMs ?? DEFAULT_WRITE_ON_MS);
      const stopAt = timeline.now();
      measurements.longestWriteGapSeconds = longestGap(writer.acks, killedAt, stopAt).ms / 1000;
      await verifyWrites(writer, timeline, measurements, checks);

      await deps.runtime.startContainer(victim.container.id);
      const startedAt = timeline.mark(`${victim.containerName} started again`);
      await awaitRejoin(scene, victim.containerName, startedAt, timeline, opts.timeoutSeconds, measurements, checks);
      await routerCheck(scene, checks);
    } finally {
      await writer.stop().catch(() => undefined);
      const restored = await restoreMember(deps, scene, victim).catch((e: Error) => [`could not restore it: ${e.message}`]);
      if (restored.length) {
        const text = `${victim.containerName} restored after a failed run: ${restored.join(', ')}`;
        timeline.mark(text);
        deps.error(`fail-leader: ${text}; check it with npx nx run ${patroni.name}:health`);
      }
      await mark(deps, scene, `fail-leader: ${victim.containerName} restored`);
    }

    const report: SimulationReport = { scenario: 'fail-leader', service: patroni.name, timeline, measurements, checks };
    deps.log(opts.json ? reportJson(report) : renderReport(report));
    return passed(report);
  });
}
