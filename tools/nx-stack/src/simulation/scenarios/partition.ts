import { StackError } from '../../core/errors';
import { networkName } from '../../core/naming';
import { DEFAULT_WRITE_ON_MS, awaitRejoin, patroniBase, routerCheck, runPatroniScenario } from '../patroni-simulation';
import type { PatroniScene, PatroniServices, PatroniSimDeps, PatroniWriterOptions } from '../patroni-simulation';
import type { Scenario, ScenarioDeps } from '../scenario-runner';
import { secondsBetween } from '../scenario-support';
import { firstAckSentAfter, type AckedWrite } from '../traffic';
import { WritabilitySampler, writableMembers, type WritabilitySample } from '../writability-sampler';

export interface PartitionOptions extends PatroniWriterOptions {
  /** How often every member is asked whether it is writable. */
  sampleIntervalMs: number;
}

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
 * network is healed (the restore) and the old leader must rejoin as a
 * replica; the writer and the sampler keep going through that too.
 */
export function partitionScenario(services: PatroniServices, opts: PartitionOptions, sim: PatroniSimDeps): Scenario<PatroniScene> {
  const { shared, acked } = patroniBase(services, opts, sim);
  let sampler: WritabilitySampler;
  let cutAt = 0;
  return {
    ...shared,
    name: 'partition',
    trafficThroughRestore: true,
    breaking: (scene) => `cutting ${scene.leader.containerName} (leader) off the stack network`,
    async break(scene, ctx) {
      const { leader } = scene;
      const sampled = scene.members.flatMap((m) => (m.container ? [{ name: m.containerName, id: m.container.id }] : []));
      sampler = new WritabilitySampler(ctx.deps.runtime, sampled, () => ctx.timeline.now(), opts.sampleIntervalMs);
      ctx.defer(() => sampler.stop());
      sampler.start();
      const first = await ctx.poll(() => sampler.samples.at(-1), opts.timeoutSeconds * 1000, 20);
      if (!first) throw new StackError(`no member answered whether it is writable within ${opts.timeoutSeconds}s; run npx nx run stack:restore first.`);
      ctx.mark(`sampling ${sampled.length} members every ${opts.sampleIntervalMs} ms: ${describeSample(first)}`);
      const network = networkName(ctx.stack);
      await ctx.deps.runtime.disconnectNetwork(network, leader.container.id);
      cutAt = ctx.mark(`${leader.containerName} (leader) disconnected from ${network}`);
    },
    async observe(scene, ctx) {
      const victim = scene.leader.containerName;
      let demoted: WritabilitySample | undefined;
      let promoted: WritabilitySample | undefined;
      let resumed: AckedWrite | undefined;
      await ctx.poll(
        () => {
          demoted ??= sampler.first(cutAt, (s) => s.states[victim] !== 'rw');
          promoted ??= sampler.first(cutAt, (s) => writableMembers(s).some((n) => n !== victim));
          resumed ??= firstAckSentAfter(acked(), cutAt);
          return demoted && promoted && resumed ? true : undefined;
        },
        opts.timeoutSeconds * 1000,
        50,
      );
      const newLeader = promoted ? writableMembers(promoted).find((n) => n !== victim) : undefined;

      if (demoted) ctx.markAt(demoted.at, `${victim} no longer writable (${demoted.states[victim]})`);
      ctx.measurements.demoteSeconds = demoted ? secondsBetween(cutAt, demoted.at) : 'none';
      ctx.check(
        'the cut-off leader stops taking writes',
        demoted !== undefined,
        demoted
          ? `${demoted.states[victim] === 'ro' ? 'read-only' : 'stopped'} after ${secondsBetween(cutAt, demoted.at).toFixed(2)}s`
          : `still writable after ${opts.timeoutSeconds}s`,
      );

      if (promoted) ctx.markAt(promoted.at, `${newLeader} writable (promoted)`);
      if (resumed) ctx.markAt(resumed.ackedAt, `first insert through the router acknowledged after the cut`);
      ctx.measurements.promoteSeconds = promoted ? secondsBetween(cutAt, promoted.at) : 'none';
      ctx.measurements.electionSeconds = resumed ? secondsBetween(cutAt, resumed.ackedAt) : 'none';
      ctx.measurements.newLeader = newLeader ?? 'none';
      ctx.check(
        'another member is elected and takes writes through the router',
        promoted !== undefined && resumed !== undefined,
        promoted && resumed
          ? `${newLeader} writable after ${secondsBetween(cutAt, promoted.at).toFixed(2)}s, writes acknowledged after ${secondsBetween(cutAt, resumed.ackedAt).toFixed(2)}s`
          : `${promoted ? `${newLeader} promoted` : 'no member promoted'}, ${resumed ? 'writes resumed' : 'no write acknowledged'} within ${opts.timeoutSeconds}s`,
      );
      await ctx.sleep(sim.writeOnMs ?? DEFAULT_WRITE_ON_MS);
    },
    // restore (shared) is the heal: attached again under its host name. The writer and the sampler keep going: its return must not make it writable either.
    recover: (scene, ctx, healedAt) => awaitRejoin(ctx, scene, scene.leader.containerName, healedAt, opts.timeoutSeconds),
    async verify(scene, ctx) {
      await sampler.stop();
      const splits = sampler.splitBrains();
      const { samples } = sampler;
      ctx.measurements.samples = samples.length;
      ctx.measurements.maxWritableMembers = Math.max(0, ...samples.map((s) => writableMembers(s).length));
      ctx.check(
        'never two writable members',
        splits.length === 0 && samples.length > 0,
        splits.length
          ? `${splits.length} of ${samples.length} samples had two: first at +${(splits[0].at / 1000).toFixed(2)}s (${describeSample(splits[0])})`
          : `${samples.length} samples of ${scene.members.length} members every ${opts.sampleIntervalMs} ms, at most ${ctx.measurements.maxWritableMembers} writable`,
      );
      await routerCheck(ctx, scene);
    },
  };
}

export const partition = (deps: ScenarioDeps, services: PatroniServices, opts: PartitionOptions, sim: PatroniSimDeps) =>
  runPatroniScenario(deps, partitionScenario(services, opts, sim), sim);
