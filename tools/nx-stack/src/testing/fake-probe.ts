import { kindModule } from '../kinds/registry';
import { absentMember } from '../kinds/members';
import type { ComponentHealth, InspectReport, MemberView, ProbeContext, ServiceProbe } from '../kinds/kind';

export interface FakeProbeOptions {
  /**
   * What is wrong with a running member on this probe round (1 = the first
   * probe), or undefined when it is healthy. Default: every running member is healthy.
   */
  problem?: (view: MemberView, round: number) => string | undefined;
  /** Whether a running member serves its role this round (readiness); default: when it has no problem. */
  serving?: (view: MemberView, round: number) => boolean;
  /** Service-wide facts its inspect report shows. */
  facts?: Record<string, unknown>;
}

export interface FakeProbe extends ServiceProbe {
  /** How many times health() ran. */
  rounds: number;
  /** The contexts it was called with, in order. */
  contexts: ProbeContext[];
}

/** Member 1 plays its kind's first role (etcd/patroni leader, redis master…), the others its second. */
function fakeRole(ctx: ProbeContext, member: number): string {
  const { roles } = kindModule(ctx.service.config.kind);
  return member === 1 ? roles[0] : (roles[1] ?? roles[0]);
}

/**
 * A ServiceProbe that needs no network: a missing or stopped container is
 * judged like the real probes judge it (absentMember), a running one is
 * healthy unless `problem` says otherwise. Member 1 plays the leader.
 */
export function fakeProbe(options: FakeProbeOptions = {}): FakeProbe {
  const probe: FakeProbe = {
    rounds: 0,
    contexts: [],
    async health(ctx: ProbeContext): Promise<ComponentHealth[]> {
      probe.rounds += 1;
      probe.contexts.push(ctx);
      const round = probe.rounds;
      return ctx.members.map((view) => {
        const absent = absentMember(view);
        if (absent) return absent;
        const role = fakeRole(ctx, view.member);
        const problem = options.problem?.(view, round);
        const serving = options.serving?.(view, round) ?? problem === undefined;
        return problem
          ? { name: view.containerName, status: 'unhealthy', role, detail: problem, serving }
          : { name: view.containerName, status: 'healthy', role, detail: `member ${view.member} ok`, serving };
      });
    },
    async inspect(ctx: ProbeContext): Promise<InspectReport> {
      probe.contexts.push(ctx);
      return {
        service: ctx.service.name,
        columns: ['member', 'state', 'role', 'endpoint'],
        rows: ctx.members.map((view) => ({
          member: view.containerName,
          state: view.container?.state ?? 'absent',
          role: view.running ? fakeRole(ctx, view.member) : null,
          endpoint: Object.values(view.hostPorts).map((p) => `127.0.0.1:${p}`).join(',') || null,
        })),
        facts: options.facts ?? {},
      };
    },
  };
  return probe;
}
