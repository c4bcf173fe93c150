import type { ExecutorContext } from '@nx/devkit';
import { z } from 'zod';
import { API_PORT } from '../../kinds/patroni/patroni-probe';
import { awaitAcks, awaitNewLeader, awaitRejoin, DEFAULT_WRITE_ON_MS, defaultSimDeps, mark, markAt, patroniScene, type PatroniSimDeps, patroniWriterOptions, restoreMember, routerCheck, secondsBetween, sleep, startWriter, verifyWrites } from '../../simulation/patroni-simulation';
import { renderReport, passed, reportJson, type SimulationReport } from '../../simulation/simulation-report';
import { longestGap } from '../../simulation/sql-writer';
import { Timeline } from '../../simulation/timeline';
import { StackError } from '../../core/errors';
import { defaultDeps, parseOptions, runExecutor, type ExecutorDeps } from '../executor-support';
import type { SwitchoverExecutorSchema } from './schema';

export const switchoverOptions = z
  .object({
    candidate: z.number().int().positive().optional(),
    ...patroniWriterOptions,
  })
  .strict();

/**
 * A planned leader change: Patroni's POST /switchover on the leader (what
 * `patronictl switchover` does) while a writer inserts through the router.
 * Measures the longest gap between two acknowledged inserts (the outage an
 * application sees), checks the candidate took over, no acknowledged insert
 * is missing, and the old leader is back as a replica.
 */
export default async function switchoverExecutor(
  options: SwitchoverExecutorSchema,
  context: ExecutorContext,
  deps: ExecutorDeps = defaultDeps(),
  sim: PatroniSimDeps = defaultSimDeps(),
): Promise<{ success: boolean }> {
  return runExecutor(deps, async () => {
    const opts = parseOptions(switchoverOptions, options, 'switchover');
    const scene = await patroniScene(context, deps, 'switchover');
    const { patroni, leader } = scene;
    const roleOf = (name: string) => scene.patroniHealth.components.find((c) => c.name === name)?.role;
    const candidate = opts.candidate
      ? scene.members.find((m) => m.member === opts.candidate)
      : (scene.members.find((m) => roleOf(m.containerName) === 'sync-standby') ?? scene.members.find((m) => m !== leader));
    if (!candidate) throw new StackError(`${patroni.name} has no member ${opts.candidate} (members: 1-${scene.members.length}).`);
    if (candidate.containerName === leader.containerName) {
      throw new StackError(`${candidate.containerName} is already the leader: pick another --candidate.`);
    }

    const timeline = new Timeline();
    const checks: SimulationReport['checks'] = [];
    const measurements: SimulationReport['measurements'] = {};
    const writer = startWriter(scene, sim, timeline, 'switchover', opts.writeIntervalMs);

    await mark(deps, scene, `switchover: ${leader.containerName} → ${candidate.containerName}`);
    try {
      await writer.prepare();
      writer.start();
      await awaitAcks(writer, 5, 15_000);
      const oldServer = writer.acks[writer.acks.length - 1].server;
      timeline.mark(
        `${patroni.name} healthy, leader ${leader.containerName}, candidate ${candidate.containerName} (${roleOf(candidate.containerName)}); writer inserting through ${scene.routerView.containerName}`,
      );

      const requestedAt = timeline.mark(`POST /switchover to ${leader.containerName}: ${leader.hostname} → ${candidate.hostname}`);
      const answer = await sim
        .switchover(leader.hostPorts[API_PORT], { leader: leader.hostname, candidate: candidate.hostname }, opts.timeoutSeconds * 1000)
        .catch((e: Error) => ({ status: 0, text: e.message }));
      const answeredAt = timeline.mark(`Patroni answered ${answer.status}: ${answer.text}`);
      measurements.requestSeconds = secondsBetween(requestedAt, answeredAt);
      checks.push({ name: 'Patroni performs the switchover', ok: answer.status === 200, detail: `${answer.status}: ${answer.text}` });

      // Writes on the new leader: the first insert committed by another server than before.
      const deadline = Date.now() + opts.timeoutSeconds * 1000;
      const onNewLeader = () => writer.acks.find((a) => a.sentAt >= requestedAt && a.server !== oldServer);
      let resumed = onNewLeader();
      while (!resumed && answer.status === 200 && Date.now() < deadline) {
        await sleep(20);
        resumed = onNewLeader();
      }
      if (resumed) markAt(timeline, resumed.ackedAt, 'first insert acknowledged by the new leader');
      measurements.newLeaderWritableSeconds = resumed ? secondsBetween(requestedAt, resumed.ackedAt) : 'none';
      checks.push({
        name: 'the new leader accepts writes through the router',
        ok: resumed !== undefined,
        detail: resumed ? `${secondsBetween(requestedAt, resumed.ackedAt).toFixed(2)}s after the request` : 'no insert acknowledged by another server',
      });

      const elected =
        answer.status === 200
          ? await awaitNewLeader(scene.healthDeps, patroni, leader.containerName, timeline, Math.max(1000, deadline - Date.now()))
          : undefined;
      measurements.newLeader = elected?.name ?? 'none';
      checks.push({
        name: `${candidate.containerName} is leader`,
        ok: elected?.name === candidate.containerName,
        detail: `leader now: ${elected?.name ?? 'none'}`,
      });

      await sleep(sim.writeOnMs ?? DEFAULT_WRITE_ON_MS);
      const gap = longestGap(writer.acks, requestedAt, timeline.now());
      measurements.switchoverSeconds = gap.ms / 1000;
      timeline.mark(`longest write gap ${(gap.ms / 1000).toFixed(2)}s (+${(gap.start / 1000).toFixed(2)}s → +${(gap.end / 1000).toFixed(2)}s)`);
      await verifyWrites(writer, timeline, measurements, checks);

      await awaitRejoin(scene, leader.containerName, answeredAt, timeline, opts.timeoutSeconds, measurements, checks);
      await routerCheck(scene, checks);
    } finally {
      await writer.stop().catch(() => undefined);
      // A switchover stops nothing, but a failed one may have left the old leader stopped.
      const restored = await restoreMember(deps, scene, leader).catch((e: Error) => [`could not restore it: ${e.message}`]);
      if (restored.length) deps.error(`switchover: ${leader.containerName} restored after a failed run: ${restored.join(', ')}`);
      await mark(deps, scene, `switchover: done (${leader.containerName} → ${candidate.containerName})`);
    }

    const report: SimulationReport = { scenario: 'switchover', service: patroni.name, timeline, measurements, checks };
    deps.log(opts.json ? reportJson(report) : renderReport(report));
    return passed(report);
  });
}
