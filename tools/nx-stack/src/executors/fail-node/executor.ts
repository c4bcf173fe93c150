import type { ExecutorContext } from '@nx/devkit';
import { z } from 'zod';
import { checkHealth } from '../../kinds/health';
import type { ServiceHealth } from '../../kinds/kind';
import { observeMembers } from '../../kinds/members';
import { markLogs } from '../../simulation/log-marker';
import { renderReport, passed, reportJson, type SimulationReport } from '../../simulation/simulation-report';
import { Timeline } from '../../simulation/timeline';
import { StackError } from '../../core/errors';
import { waitHealthy } from '../../lifecycle/up';
import { Progress } from '../../core/progress';
import { allServices, currentService, defaultDeps, parseOptions, runExecutor, stackOf, type ExecutorDeps } from '../executor-support';
import { etcdGet, etcdPut } from '../../clients/etcd';
import type { FailNodeExecutorSchema } from './schema';

export const failNodeOptions = z
  .object({
    member: z.number().int().positive().optional(),
    writes: z.number().int().positive().default(20),
    timeoutSeconds: z.number().positive().default(90),
    json: z.boolean().default(false),
  })
  .strict();

const leaderOf = (health: ServiceHealth) => health.components.find((c) => c.role === 'leader' && c.status === 'healthy')?.name;

export default async function failNodeExecutor(
  options: FailNodeExecutorSchema,
  context: ExecutorContext,
  deps: ExecutorDeps = defaultDeps(),
): Promise<{ success: boolean }> {
  return runExecutor(deps, async () => {
    const opts = parseOptions(failNodeOptions, options, 'fail-node');
    const etcd = currentService(context);
    const patroni = allServices(context).find((s) => s.config.kind === 'patroni');
    const healthDeps = { ...deps, stack: stackOf(deps), workspaceRoot: context.root };
    const quiet = { ...healthDeps, progress: deps.progress ?? new Progress(process.stderr) };
    const timeline = new Timeline();
    const checks: SimulationReport['checks'] = [];
    const measurements: SimulationReport['measurements'] = {};

    const before = await checkHealth(healthDeps, etcd);
    if (!before.healthy) {
      throw new StackError(`etcd is not healthy before the simulation; run npx nx run stack:restore first.\n${before.components.map((c) => `  ${c.name}: ${c.detail}`).join('\n')}`);
    }
    const patroniBefore = patroni ? await checkHealth(healthDeps, patroni) : undefined;
    const patroniLeader = patroniBefore?.healthy ? leaderOf(patroniBefore) : undefined;

    const members = await observeMembers(deps.runtime, healthDeps.stack, etcd, deps.env);
    const leaderName = leaderOf(before);
    const victim = opts.member ? members.find((m) => m.member === opts.member) : members.find((m) => m.containerName === leaderName);
    if (!victim?.container) throw new StackError(`etcd has no member ${opts.member ?? '(leader)'} to stop (members: 1-${members.length}).`);
    const survivors = members.filter((m) => m !== victim);
    const role = victim.containerName === leaderName ? 'leader' : 'follower';
    const allIds = members.map((m) => m.container!.id);

    await markLogs(deps.runtime, allIds, `fail-node: hard-stopping ${victim.containerName} (${role})`);
    timeline.mark(`etcd cluster healthy, leader ${leaderName}${patroniLeader ? `; Patroni leader ${patroniLeader}` : ''}`);
    await deps.runtime.killContainer(victim.container.id);
    let restarted = false;
    try {
      const killedAt = timeline.mark(`${victim.containerName} (${role}) hard-stopped (SIGKILL)`);

      // A new leader among the survivors: writes go through once one is elected.
      const electionDeadline = Date.now() + opts.timeoutSeconds * 1000;
      let electedAt: number | undefined;
      while (Date.now() < electionDeadline) {
        const health = await checkHealth(healthDeps, etcd);
        const leader = leaderOf(health);
        if (leader && leader !== victim.containerName) {
          electedAt = timeline.mark(`${leader} is leader`);
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      measurements.electionSeconds = electedAt === undefined ? 'none' : (electedAt - killedAt) / 1000;
      checks.push({
        name: 'a leader among the survivors',
        ok: electedAt !== undefined,
        detail: electedAt === undefined ? `none within ${opts.timeoutSeconds}s` : `after ${((electedAt - killedAt) / 1000).toFixed(2)}s`,
      });

      // Every write through one survivor must be readable (linearizably) through the other.
      let failures = 0;
      const runId = Date.now().toString(36);
      for (let i = 0; i < opts.writes; i++) {
        const [writer, reader] = i % 2 ? [survivors[0], survivors[1]] : [survivors[1], survivors[0]];
        const key = `/paws360/simulation/fail-node/${runId}/${i}`;
        try {
          await etcdPut(writer.hostPorts.client, key, String(i));
          if ((await etcdGet(reader.hostPorts.client, key)) !== String(i)) failures++;
        } catch {
          failures++;
        }
      }
      measurements.writesWhileDown = opts.writes;
      measurements.failedWrites = failures;
      timeline.mark(`${opts.writes - failures}/${opts.writes} writes read back through the other survivor`);
      checks.push({ name: 'reads and writes continue with 2 of 3', ok: failures === 0, detail: `${failures} of ${opts.writes} failed` });

      if (patroni && patroniLeader) {
        const after = await checkHealth(healthDeps, patroni);
        const now = leaderOf(after);
        checks.push({ name: 'Patroni keeps its leader', ok: now === patroniLeader, detail: `${patroniLeader} before, ${now ?? 'none'} now` });
      }

      await deps.runtime.startContainer(victim.container.id);
      restarted = true;
      timeline.mark(`${victim.containerName} started again`);
      try {
        await waitHealthy(quiet, etcd, opts.timeoutSeconds);
        const rejoined = timeline.mark(`etcd healthy again: ${victim.containerName} rejoined`);
        measurements.rejoinSeconds = (rejoined - killedAt) / 1000;
        checks.push({ name: `${victim.containerName} rejoins`, ok: true, detail: 'cluster healthy, 3/3 members' });
      } catch (error) {
        checks.push({ name: `${victim.containerName} rejoins`, ok: false, detail: (error as Error).message.split('\n')[0] });
      }
    } finally {
      // Whatever failed above, the member does not stay down.
      if (!restarted) await deps.runtime.startContainer(victim.container.id).catch(() => undefined);
    }
    await markLogs(deps.runtime, allIds, `fail-node: ${victim.containerName} restored`);

    const report: SimulationReport = { scenario: 'fail-node', service: etcd.name, timeline, measurements, checks };
    deps.log(opts.json ? reportJson(report) : renderReport(report));
    return passed(report);
  });
}
