import { DEFAULT_WRITE_ON_MS, awaitNewLeader, awaitRejoin, patroniBase, routerCheck, runPatroniScenario } from '../patroni-simulation';
import type { PatroniScene, PatroniServices, PatroniSimDeps, PatroniWriterOptions } from '../patroni-simulation';
import type { Scenario, ScenarioDeps } from '../scenario-runner';
import { secondsBetween } from '../scenario-support';
import { firstAckSentAfter, longestGap } from '../traffic';

/**
 * Hard-stops the Patroni leader (SIGKILL: no chance to hand its leader key
 * over; `docker kill` does not trigger a restart policy either) while a
 * writer inserts through the router, then measures how long until writes are
 * acknowledged again, checks none of the acknowledged ones is missing, starts
 * the old leader again and waits until it is back as a replica.
 */
export function failLeaderScenario(services: PatroniServices, opts: PatroniWriterOptions, sim: PatroniSimDeps): Scenario<PatroniScene> {
  const { shared, acked } = patroniBase(services, opts, sim);
  let killedAt = 0;
  return {
    ...shared,
    name: 'fail-leader',
    breaking: (scene) => `hard-stopping ${scene.leader.containerName} (leader)`,
    async break(scene, ctx) {
      await ctx.deps.runtime.killContainer(scene.leader.container.id);
      killedAt = ctx.mark(`${scene.leader.containerName} (leader) hard-stopped (SIGKILL)`);
    },
    async observe(scene, ctx) {
      const victim = scene.leader.containerName;
      const deadline = Date.now() + opts.timeoutSeconds * 1000;
      const resumed = await ctx.poll(() => firstAckSentAfter(acked(), killedAt), opts.timeoutSeconds * 1000, 20);
      if (resumed) ctx.markAt(resumed.ackedAt, `first insert acknowledged after the kill (sent at +${(resumed.sentAt / 1000).toFixed(2)}s)`);
      ctx.measurements.failoverSeconds = resumed ? secondsBetween(killedAt, resumed.ackedAt) : 'none';
      ctx.check(
        'writes resume through the router',
        resumed !== undefined,
        resumed ? `after ${secondsBetween(killedAt, resumed.ackedAt).toFixed(2)}s` : `not within ${opts.timeoutSeconds}s`,
      );

      const elected = await awaitNewLeader(ctx, scene, victim, Math.max(1000, deadline - Date.now()));
      ctx.measurements.newLeader = elected?.name ?? 'none';
      if (elected) ctx.mark(`${elected.name} is leader`);
      ctx.check(
        'a replica is promoted',
        elected !== undefined,
        elected ? `${elected.name} is leader` : `no leader other than ${victim} within ${opts.timeoutSeconds}s`,
      );

      await ctx.sleep(sim.writeOnMs ?? DEFAULT_WRITE_ON_MS);
      ctx.measurements.longestWriteGapSeconds = longestGap(acked(), killedAt, ctx.timeline.now()).ms / 1000;
    },
    async recover(scene, ctx, restoredAt) {
      await awaitRejoin(ctx, scene, scene.leader.containerName, restoredAt, opts.timeoutSeconds);
      await routerCheck(ctx, scene);
    },
  };
}

export const failLeader = (deps: ScenarioDeps, services: PatroniServices, opts: PatroniWriterOptions, sim: PatroniSimDeps) =>
  runPatroniScenario(deps, failLeaderScenario(services, opts, sim), sim);
