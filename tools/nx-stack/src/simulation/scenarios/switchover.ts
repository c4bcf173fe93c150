import { StackError } from '../../core/errors';
import type { MemberView } from '../../kinds/kind';
import { API_PORT, isSyncStandby } from '../../kinds/patroni';
import { DEFAULT_WRITE_ON_MS, awaitNewLeader, awaitRejoin, patroniBase, routerCheck, runPatroniScenario } from '../patroni-simulation';
import type { PatroniScene, PatroniServices, PatroniSimDeps, PatroniWriterOptions } from '../patroni-simulation';
import type { Scenario, ScenarioDeps } from '../scenario-runner';
import { secondsBetween } from '../scenario-support';
import { longestGap } from '../traffic';

export interface SwitchoverOptions extends PatroniWriterOptions {
  /** The member to hand over to; default the synchronous standby. */
  candidate?: number;
}

export interface SwitchoverScene extends PatroniScene {
  candidate: MemberView;
}

/**
 * A planned leader change: Patroni's POST /switchover on the leader (what
 * `patronictl switchover` does) while a writer inserts through the router.
 * Measures the longest gap between two acknowledged inserts (the outage an
 * application sees), checks the candidate took over, no acknowledged insert
 * is missing, and the old leader is back as a replica.
 */
export function switchoverScenario(services: PatroniServices, opts: SwitchoverOptions, sim: PatroniSimDeps): Scenario<SwitchoverScene> {
  const { shared, acked } = patroniBase(services, opts, sim);
  let oldServer: string | undefined;
  let requestedAt = 0;
  let answeredAt = 0;
  let answer = { status: 0, text: '' };
  return {
    ...shared,
    name: 'switchover',
    async precondition(ctx) {
      const scene = await shared.precondition(ctx);
      const { leader, members } = scene;
      const roleOf = (m: MemberView) => scene.patroniHealth.components.find((c) => c.name === m.containerName)?.role;
      const candidate = opts.candidate
        ? members.find((m) => m.member === opts.candidate)
        : (members.find((m) => isSyncStandby(roleOf(m))) ?? members.find((m) => m !== leader));
      if (!candidate) throw new StackError(`${scene.patroni.name} has no member ${opts.candidate} (members: 1-${members.length}).`);
      if (candidate.containerName === leader.containerName) throw new StackError(`${candidate.containerName} is already the leader: pick another --candidate.`);
      return { ...scene, candidate, before: `${scene.before}, candidate ${candidate.containerName} (${roleOf(candidate)})` };
    },
    breaking: ({ leader, candidate }) => `${leader.containerName} → ${candidate.containerName}`,
    async break({ leader, candidate }, ctx) {
      oldServer = acked().at(-1)?.server;
      requestedAt = ctx.mark(`POST /switchover to ${leader.containerName}: ${leader.hostname} → ${candidate.hostname}`);
      answer = await sim
        .switchover(leader.hostPorts[API_PORT], { leader: leader.hostname, candidate: candidate.hostname }, opts.timeoutSeconds * 1000)
        .catch((e: Error) => ({ status: 0, text: e.message }));
      answeredAt = ctx.mark(`Patroni answered ${answer.status}: ${answer.text}`);
    },
    async observe(scene, ctx) {
      ctx.measurements.requestSeconds = secondsBetween(requestedAt, answeredAt);
      ctx.check('Patroni performs the switchover', answer.status === 200, `${answer.status}: ${answer.text}`);

      // Writes on the new leader: the first insert committed by another server than before.
      const deadline = Date.now() + opts.timeoutSeconds * 1000;
      const onNewLeader = () => acked().find((a) => a.sentAt >= requestedAt && a.server !== oldServer);
      const resumed = answer.status === 200 ? await ctx.poll(onNewLeader, opts.timeoutSeconds * 1000, 20) : onNewLeader();
      if (resumed) ctx.markAt(resumed.ackedAt, 'first insert acknowledged by the new leader');
      ctx.measurements.newLeaderWritableSeconds = resumed ? secondsBetween(requestedAt, resumed.ackedAt) : 'none';
      ctx.check(
        'the new leader accepts writes through the router',
        resumed !== undefined,
        resumed ? `${secondsBetween(requestedAt, resumed.ackedAt).toFixed(2)}s after the request` : 'no insert acknowledged by another server',
      );

      const elected =
        answer.status === 200 ? await awaitNewLeader(ctx, scene, scene.leader.containerName, Math.max(1000, deadline - Date.now())) : undefined;
      ctx.measurements.newLeader = elected?.name ?? 'none';
      ctx.check(`${scene.candidate.containerName} is leader`, elected?.name === scene.candidate.containerName, `leader now: ${elected?.name ?? 'none'}`);

      await ctx.sleep(sim.writeOnMs ?? DEFAULT_WRITE_ON_MS);
      const gap = longestGap(acked(), requestedAt, ctx.timeline.now());
      ctx.measurements.switchoverSeconds = gap.ms / 1000;
      ctx.mark(`longest write gap ${(gap.ms / 1000).toFixed(2)}s (+${(gap.start / 1000).toFixed(2)}s → +${(gap.end / 1000).toFixed(2)}s)`);
    },
    // restore (shared): a switchover stops nothing, but a failed one may have left the old leader stopped.
    async recover(scene, ctx) {
      await awaitRejoin(ctx, scene, scene.leader.containerName, answeredAt, opts.timeoutSeconds);
      await routerCheck(ctx, scene);
    },
  };
}

export const switchover = (deps: ScenarioDeps, services: PatroniServices, opts: SwitchoverOptions, sim: PatroniSimDeps) =>
  runPatroniScenario(deps, switchoverScenario(services, opts, sim), sim);
