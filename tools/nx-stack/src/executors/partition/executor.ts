import type { ExecutorContext } from '@nx/devkit';
import { z } from 'zod';
import { awaitAcks, awaitRejoin, DEFAULT_WRITE_ON_MS, defaultSimDeps, mark, markAt, patroniScene, type PatroniSimDeps, patroniWriterOptions, restoreMember, routerCheck, secondsBetween, sleep, startWriter, verifyWrites } from '../../simulation/patroni-simulation';
import { renderReport, passed, reportJson, type SimulationReport } from '../../simulation/simulation-report';
import { firstAckSentAfter } from '../../simulation/sql-writer';
import { Timeline } from '../../simulation/timeline';
import { WritabilitySampler, writableMembers, type WritabilitySample } from '../../simulation/writability-sampler';
import { networkName } from '../../core/naming';
import { defaultDeps, parseOptions, runExecutor, type ExecutorDeps } from '../executor-support';
import type { PartitionExecutorSchema } from './schema';

export const partitionOptions = z
  .object({
    sampleIntervalMs: z.number().int().positive().default(250),
    ...patroniWriterOptions,
  })
  .strict();


const describeSample = (sample: WritabilitySample) =>
  Object.entries(sample.states)
    .map(([name, state]) => `${name}=${state}`)
    .join(' ');

/**
 * Cuts the Patroni leader off the stack network: it loses etcd, its
 * replicas and the router, but keeps running. Patroni must demote it (it
 * cannot renew its leader key) before the key expires and a replica is
 * promoted, so at no moment are two members writable. A writer inserts
 * through the router the whole time and every member is asked over its own
 * socket (docker exec, no network needed) whether it is writable. Then the
 * network is healed and the old leader must rejoin as a replica.
 */
export default async function partitionExecutor(
  options: PartitionExecutorSchema,
  context: ExecutorContext,
  deps: ExecutorDeps = defaultDeps(),
  sim: PatroniSimDeps = defaultSimDeps(),
): Promise<{ success: boolean }> {
  return runExecutor(deps, async () => {
    const opts = parseOptions(partitionOptions, options, 'partition');
    const scene = await patroniScene(context, deps, 'partition');
    const { patroni, leader: victim } = scene;
    const network = networkName(scene.healthDeps.stack);
    const timeline = new Timeline();
    const checks: SimulationReport['checks'] = [];
    const measurements: SimulationReport['measurements'] = {};
    const writer = startWriter(scene, sim, timeline, 'partition', opts.writeIntervalMs);
    const sampled = scene.members.flatMap((m) => (m.container ? [{ name: m.containerName, id: m.container.id }] : []));
    const sampler = new WritabilitySampler(deps.runtime, sampled, () => timeline.now(), opts.sampleIntervalMs);

    await mark(deps, scene, `partition: cutting ${victim.containerName} (leader) off ${network}`);
    try {
      await writer.prepare();
      writer.start();
      sampler.start();
      await awaitAcks(writer, 5, 15_000);
      while (sampler.samples.length === 0) await sleep(20);
      const before = sampler.samples[sampler.samples.length - 1];
      timeline.mark(`${patroni.name} healthy, leader ${victim.containerName}; writer inserting through ${scene.routerView.containerName}; sampling ${describeSample(before)}`);

      await deps.runtime.disconnectNetwork(network, victim.container.id);
      const cutAt = timeline.mark(`${victim.containerName} (leader) disconnected from ${network}`);
      const deadline = Date.now() + opts.timeoutSeconds * 1000;

      const demotedSample = () => sampler.first(cutAt, (s) => s.states[victim.containerName] !== 'rw');
      const promotedSample = () => sampler.first(cutAt, (s) => writableMembers(s).some((n) => n !== victim.containerName));
      let demoted = demotedSample();
      let promoted = promotedSample();
      let resumed = firstAckSentAfter(writer.acks, cutAt);
      while (!(demoted && promoted && resumed) && Date.now() < deadline) {
        await sleep(50);
        demoted ??= demotedSample();
        promoted ??= promotedSample();
        resumed ??= firstAckSentAfter(writer.acks, cutAt);
      }
      const newLeader = promoted ? writableMembers(promoted).find((n) => n !== victim.containerName) : undefined;

      if (demoted) markAt(timeline, demoted.at, `${victim.containerName} no longer writable (${demoted.states[victim.containerName]})`);
      measurements.demoteSeconds = demoted ? secondsBetween(cutAt, demoted.at) : 'none';
      checks.push({
        name: 'the cut-off leader stops taking writes',
        ok: demoted !== undefined,
        detail: demoted
          ? `${demoted.states[victim.containerName] === 'ro' ? 'read-only' : 'stopped'} after ${secondsBetween(cutAt, demoted.at).toFixed(2)}s`
          : `still writable after ${opts.timeoutSeconds}s`,
      });

      if (promoted) markAt(timeline, promoted.at, `${newLeader} writable (promoted)`);
      if (resumed) markAt(timeline, resumed.ackedAt, `first insert through the router acknowledged after the cut`);
      measurements.promoteSeconds = promoted ? secondsBetween(cutAt, promoted.at) : 'none';
      measurements.electionSeconds = resumed ? secondsBetween(cutAt, resumed.ackedAt) : 'none';
      measurements.newLeader = newLeader ?? 'none';
      checks.push({
        name: 'another member is elected and takes writes through the router',
        ok: promoted !== undefined && resumed !== undefined,
        detail:
          promoted && resumed
            ? `${newLeader} writable after ${secondsBetween(cutAt, promoted.at).toFixed(2)}s, writes acknowledged after ${secondsBetween(cutAt, resumed.ackedAt).toFixed(2)}s`
            : `${promoted ? `${newLeader} promoted` : 'no member promoted'}, ${resumed ? 'writes resumed' : 'no write acknowledged'} within ${opts.timeoutSeconds}s`,
      });

      await sleep(sim.writeOnMs ?? DEFAULT_WRITE_ON_MS);
      await deps.runtime.connectNetwork(network, victim.container.id, [victim.hostname]);
      const healedAt = timeline.mark(`${victim.containerName} reconnected to ${network} as ${victim.hostname}`);
      // The writer and the sampler keep going: the old leader's return must not make it writable either.
      await awaitRejoin(scene, victim.containerName, healedAt, timeline, opts.timeoutSeconds, measurements, checks);

      await sampler.stop();
      const splits = sampler.splitBrains();
      measurements.samples = sampler.samples.length;
      measurements.maxWritableMembers = Math.max(0, ...sampler.samples.map((s) => writableMembers(s).length));
      checks.push({
        name: 'never two writable members',
        ok: splits.length === 0 && sampler.samples.length > 0,
        detail: splits.length
          ? `${splits.length} of ${sampler.samples.length} samples had two: first at +${(splits[0].at / 1000).toFixed(2)}s (${describeSample(splits[0])})`
          : `${sampler.samples.length} samples of ${sampled.length} members every ${opts.sampleIntervalMs} ms, at most ${measurements.maxWritableMembers} writable`,
      });
      await verifyWrites(writer, timeline, measurements, checks);
      await routerCheck(scene, checks);
    } finally {
      await Promise.all([writer.stop().catch(() => undefined), sampler.stop().catch(() => undefined)]);
      const restored = await restoreMember(deps, scene, victim).catch((e: Error) => [`could not restore it: ${e.message}`]);
      if (restored.length) {
        const text = `${victim.containerName} restored after a failed run: ${restored.join(', ')}`;
        timeline.mark(text);
        deps.error(`partition: ${text}; check it with npx nx run ${patroni.name}:health`);
      }
      await mark(deps, scene, `partition: ${victim.containerName} healed`);
    }

    const report: SimulationReport = { scenario: 'partition', service: patroni.name, timeline, measurements, checks };
    deps.log(opts.json ? reportJson(report) : renderReport(report));
    return passed(report);
  });
}
