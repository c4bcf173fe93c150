import { absentMember } from '../kinds/members';
import type { ComponentHealth, InspectReport, MemberView, ProbeContext, ServiceProbe } from '../kinds/kind';

export interface FakeProbeOptions {
  /**
   * What is wrong with a running member on this probe round (1 = the first
   * probe), or undefined when it is healthy. Default: every running member is healthy.
   */
  problem?: (view: MemberView, round: number) => string | undefined;
  /** Service-wide facts its inspect report shows. */
  facts?: Record<string, unknown>;
}

export interface FakeProbe extends ServiceProbe {
  /** How many times health() ran. */
  rounds: number;
  /** The contexts it was called with, in order. */
  contexts: ProbeContext[];
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
        const role = view.member === 1 ? 'leader' : 'follower';
        const problem = options.problem?.(view, round);
        return problem
          ? { name: view.containerName, status: 'unhealthy', role, detail: problem }
          : { name: view.containerName, status: 'healthy', role, detail: `member ${view.member} ok` };
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
          role: view.running ? (view.member === 1 ? 'leader' : 'follower') : null,
          endpoint: Object.values(view.hostPorts).map((p) => `127.0.0.1:${p}`).join(',') || null,
        })),
        facts: options.facts ?? {},
      };
    },
  };
  return probe;
}
