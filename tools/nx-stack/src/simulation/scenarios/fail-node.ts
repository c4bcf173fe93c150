import { etcdGet, etcdPut } from '../../clients/etcd';
import { StackError, errorText } from '../../core/errors';
import type { ServiceDefinition } from '../../core/service-config';
import { currentServiceOfKind, serviceOfKind, type WorkspaceContext } from '../../core/workspace';
import { etcdLeaderOf } from '../../kinds/etcd';
import { checkHealth } from '../../kinds/health';
import type { MemberView } from '../../kinds/kind';
import { observeMembers } from '../../kinds/members';
import { healthyPatroniLeaderOf } from '../../kinds/patroni';
import type { ContainerInfo } from '../../runtime/container-runtime';
import { waitHealthy } from '../../lifecycle/up';
import { restoreMember } from '../restore-member';
import { runScenario, type Scenario, type ScenarioDeps, type Scene, type SignalSource } from '../scenario-runner';
import { requireHealthy, secondsBetween } from '../scenario-support';

export interface FailNodeOptions {
  /** The member to stop; default the leader. */
  member?: number;
  /** Writes through one survivor, each read back through the other. */
  writes: number;
  timeoutSeconds: number;
}

export interface EtcdServices {
  etcd: ServiceDefinition;
  /** When the workspace has Patroni, the simulation checks it keeps its leader. */
  patroni?: ServiceDefinition;
}

export const etcdServices = (context: WorkspaceContext): EtcdServices => ({
  etcd: currentServiceOfKind(context, 'etcd', 'fail-node'),
  patroni: serviceOfKind(context, 'patroni'),
});

interface FailNodeScene extends Scene {
  victim: MemberView & { container: ContainerInfo };
  /** Its role before the kill (leader or follower). */
  role: string;
  survivors: MemberView[];
  patroniLeader?: string;
}

/**
 * Hard-stops one etcd member (the leader by default): a leader is elected
 * among the survivors, writes through one survivor read back through the
 * other, Patroni keeps its leader; then the member is started and rejoins.
 */
export function failNodeScenario({ etcd, patroni }: EtcdServices, opts: FailNodeOptions): Scenario<FailNodeScene> {
  let killedAt = 0;
  return {
    name: 'fail-node',
    async precondition(ctx) {
      const [before] = await requireHealthy(ctx, [etcd]);
      const patroniBefore = patroni ? await checkHealth(ctx.healthDeps, patroni) : undefined;
      const patroniLeader = patroniBefore?.healthy ? healthyPatroniLeaderOf(patroniBefore) : undefined;
      const members = await observeMembers(ctx.deps.runtime, ctx.stack, etcd, ctx.deps.env);
      const leaderName = etcdLeaderOf(before);
      const victim = opts.member ? members.find((m) => m.member === opts.member) : members.find((m) => m.containerName === leaderName);
      if (!victim?.container) throw new StackError(`${etcd.name} has no member ${opts.member ?? '(leader)'} to stop (members: 1-${members.length}).`);
      return {
        service: etcd.name,
        before: `${etcd.name} cluster healthy, leader ${leaderName}${patroniLeader ? `; Patroni leader ${patroniLeader}` : ''}`,
        touched: members.flatMap((m) => (m.container ? [m.container.id] : [])),
        victim: victim as FailNodeScene['victim'],
        role: before.components.find((c) => c.name === victim.containerName)?.role ?? '-',
        survivors: members.filter((m) => m !== victim),
        patroniLeader,
      };
    },
    breaking: ({ victim, role }) => `hard-stopping ${victim.containerName} (${role})`,
    async break({ victim, role }, ctx) {
      await ctx.deps.runtime.killContainer(victim.container.id);
      killedAt = ctx.mark(`${victim.containerName} (${role}) hard-stopped (SIGKILL)`);
    },
    async observe({ victim, survivors, patroniLeader }, ctx) {
      // A new leader among the survivors: writes go through once one is elected.
      const electedAt = await ctx.poll(
        async () => {
          const leader = etcdLeaderOf(await checkHealth(ctx.healthDeps, etcd));
          return leader && leader !== victim.containerName ? ctx.mark(`${leader} is leader`) : undefined;
        },
        opts.timeoutSeconds * 1000,
        100,
      );
      ctx.measurements.electionSeconds = electedAt === undefined ? 'none' : (electedAt - killedAt) / 1000;
      ctx.check(
        'a leader among the survivors',
        electedAt !== undefined,
        electedAt === undefined ? `none within ${opts.timeoutSeconds}s` : `after ${secondsBetween(killedAt, electedAt).toFixed(2)}s`,
      );

      // Every write through one survivor must be readable (linearizably) through the other.
      let failures = 0;
      const runId = Date.now().toString(36);
      for (let i = 0; i < opts.writes; i++) {
        ctx.signal.throwIfAborted();
        const [writer, reader] = i % 2 ? [survivors[0], survivors[1]] : [survivors[1], survivors[0]];
        const key = `/paws360/simulation/fail-node/${runId}/${i}`;
        try {
          await etcdPut(writer.hostPorts.client, key, String(i));
          if ((await etcdGet(reader.hostPorts.client, key)) !== String(i)) failures++;
        } catch {
          failures++;
        }
      }
      ctx.measurements.writesWhileDown = opts.writes;
      ctx.measurements.failedWrites = failures;
      ctx.mark(`${opts.writes - failures}/${opts.writes} writes read back through the other survivor`);
      ctx.check('reads and writes continue with 2 of 3', failures === 0, `${failures} of ${opts.writes} failed`);

      if (patroni && patroniLeader) {
        const now = healthyPatroniLeaderOf(await checkHealth(ctx.healthDeps, patroni));
        ctx.check('Patroni keeps its leader', now === patroniLeader, `${patroniLeader} before, ${now ?? 'none'} now`);
      }
    },
    restore: ({ victim }, ctx) => restoreMember(ctx.deps.runtime, ctx.stack, etcd, victim),
    async recover({ victim }, ctx) {
      try {
        const health = await ctx.interruptible(waitHealthy(ctx.waitDeps, etcd, opts.timeoutSeconds));
        const rejoined = ctx.mark(`${etcd.name} healthy again: ${victim.containerName} rejoined`);
        ctx.measurements.rejoinSeconds = (rejoined - killedAt) / 1000;
        ctx.check(`${victim.containerName} rejoins`, true, `cluster healthy, ${health.components.length}/${health.components.length} members`);
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        ctx.check(`${victim.containerName} rejoins`, false, errorText(error));
      }
    },
  };
}

export const failNode = (deps: ScenarioDeps, services: EtcdServices, opts: FailNodeOptions, hooks: { signals?: SignalSource } = {}) =>
  runScenario(failNodeScenario(services, opts), { ...deps, signals: hooks.signals ?? deps.signals });
