import type { ExecutorContext } from '@nx/devkit';
import { z } from 'zod';
import type { ServiceDefinition } from '../../core/service-config';
import { checkHealth, probeContext } from '../../kinds/health';
import type { MemberView, ServiceHealth } from '../../kinds/kind';
import { DEFAULT_MASTER_NAME } from '../../kinds/sentinel/sentinel-probe';
import { markLogs } from '../../simulation/log-marker';
import { passed, renderReport, reportJson, type SimulationReport } from '../../simulation/simulation-report';
import { Timeline } from '../../simulation/timeline';
import { StackError } from '../../core/errors';
import { waitHealthy } from '../../lifecycle/up';
import { Progress } from '../../core/progress';
import { allServices, currentService, defaultDeps, parseOptions, runExecutor, stackOf, type ExecutorDeps } from '../executor-support';
import { createFailMasterIo, type Endpoint, type FailMasterIo, type Writer } from '../../simulation/redis-writer';
import type { FailMasterExecutorSchema } from './schema';

export const failMasterOptions = z
  .object({
    timeoutSeconds: z.number().positive().default(90),
    writeIntervalMs: z.number().int().min(0).default(10),
    json: z.boolean().default(false),
  })
  .strict();

/** WAIT 1 <ms> after every write: what infrastructure/redis/README.md recommends for writes that must survive. */
export const WAIT_MS = 500;
/** The network side and the pacing of the simulation; specs pass an imitation and short times. */
export interface FailMasterHarness {
  io: FailMasterIo;
  /** How long the writer runs before the kill. */
  writeBeforeMs: number;
  /** How long it keeps writing after the first write the new master acknowledged. */
  writeAfterMs: number;
  /** Poll interval while waiting for the promotion. */
  pollMs: number;
}

export const defaultHarness = (): FailMasterHarness => ({ io: createFailMasterIo(), writeBeforeMs: 1000, writeAfterMs: 2000, pollMs: 100 });
const PASSWORD = 'REDIS_PASSWORD';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const secondsBetween = (from: number, to: number) => Math.round(to - from) / 1000;
const masterOf = (health: ServiceHealth) => health.components.find((c) => c.role === 'master' && c.status === 'healthy')?.name;
const unhealthy = (health: ServiceHealth) =>
  health.components.filter((c) => c.status !== 'healthy').map((c) => `  ✗ ${c.name}: ${c.detail}`).join('\n');

/** The announced `host:port` of every member's first port → where the host reaches it (127.0.0.1:<host port>). */
function natEntries(service: ServiceDefinition, members: MemberView[]): Array<[string, Endpoint]> {
  const port = service.config.ports[0];
  return members.map((m) => [`${m.hostname}:${port.container}`, { host: '127.0.0.1', port: m.hostPorts[port.name] }]);
}

/** Counts of each distinct error message, most frequent first: "NOREPLICAS … ×3, Connection is closed. ×1". */
function summarizeErrors(messages: string[]): string {
  const counts = new Map<string, number>();
  for (const message of messages) {
    const key = message.split('\n')[0].slice(0, 80);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([m, n]) => `${m} ×${n}`).join(', ');
}

/**
 * Hard-stops the Redis master while a Sentinel-aware client keeps writing
 * (SET + WAIT 1), measures how long until the Sentinels promote a replica
 * and until writes are acknowledged again, checks no acknowledged write was
 * lost, then starts the old master and waits until it is back as a replica.
 */
export default async function failMasterExecutor(
  options: FailMasterExecutorSchema,
  context: ExecutorContext,
  deps: ExecutorDeps = defaultDeps(),
  harness: FailMasterHarness = defaultHarness(),
): Promise<{ success: boolean }> {
  const { io, writeBeforeMs, writeAfterMs, pollMs } = harness;
  return runExecutor(deps, async () => {
    const opts = parseOptions(failMasterOptions, options, 'fail-master');
    const redis = currentService(context);
    const sentinel = allServices(context).find((s) => s.config.kind === 'sentinel');
    if (!sentinel) throw new StackError(`fail-master needs the Sentinels, but the workspace has no service of kind sentinel.`);
    const healthDeps = { ...deps, stack: stackOf(deps), workspaceRoot: context.root };
    const quiet = { ...healthDeps, progress: deps.progress ?? new Progress(process.stderr) };
    const timeline = new Timeline();
    const checks: SimulationReport['checks'] = [];
    const measurements: SimulationReport['measurements'] = {};
    const restore = `run npx nx run stack:restore first`;

    // Precondition: both healthy, and the Sentinels name the master Redis reports.
    const [before, sentinelBefore] = [await checkHealth(healthDeps, redis), await checkHealth(healthDeps, sentinel)];
    for (const health of [before, sentinelBefore]) {
      if (!health.healthy) {
        throw new StackError(`${health.service} is not healthy before the simulation; ${restore}.\n${unhealthy(health)}`);
      }
    }
    const masterName = masterOf(before);
    const redisCtx = await probeContext(healthDeps, redis);
    const sentinelCtx = await probeContext(healthDeps, sentinel);
    const victim = redisCtx.members.find((m) => m.containerName === masterName);
    if (!victim?.container) throw new StackError(`${redis.name} reports no master to stop; ${restore}.`);
    const redisPort = redis.config.ports[0];
    const victimAddr = `${victim.hostname}:${redisPort.container}`;
    const sentinelPorts = sentinelCtx.members.map((m) => m.hostPorts[sentinel.config.ports[0].name]);
    const sentinelMaster = sentinel.config.env.REDIS_MASTER_NAME ?? DEFAULT_MASTER_NAME;
    const reported = await io.masterAddresses(sentinelPorts, sentinelMaster);
    if (reported.some((a) => a !== victimAddr)) {
      throw new StackError(`the Sentinels name ${reported.map((a) => a ?? 'nothing').join(', ')} as master, but ${redis.name} reports ${victimAddr}; ${restore}.`);
    }
    const natMap = Object.fromEntries([...natEntries(redis, redisCtx.members), ...natEntries(sentinel, sentinelCtx.members)]);
    const password = redisCtx.secrets[PASSWORD];
    const allIds = [...redisCtx.members, ...sentinelCtx.members].flatMap((m) => (m.container ? [m.container.id] : []));
    const majority = Math.floor(sentinelPorts.length / 2) + 1;
    const runId = Date.now().toString(36);
    const deadline = () => Date.now() + opts.timeoutSeconds * 1000;

    let writer: Writer | undefined;
    let killed = false;
    let restarted = false;
    try {
      writer = io.startWriter({
        sentinels: sentinelPorts.map((port) => ({ host: '127.0.0.1', port })),
        masterName: sentinelMaster,
        natMap,
        password,
        keyPrefix: `paws360:simulation:fail-master:${runId}:`,
        intervalMs: opts.writeIntervalMs,
        waitMs: WAIT_MS,
        now: () => timeline.now(),
      });
      timeline.mark(`${redis.name} and ${sentinel.name} healthy, master ${victim.hostname}; writer started (SET + WAIT 1 ${WAIT_MS} every ${opts.writeIntervalMs} ms, through the Sentinels)`);
      await sleep(writeBeforeMs);
      if (writer.acked.length === 0) {
        throw new StackError(`no write was acknowledged in ${writeBeforeMs} ms before the failure (${summarizeErrors(writer.failed.map((f) => f.message)) || 'no reply'}); ${restore}.`);
      }

      await markLogs(deps.runtime, allIds, `fail-master: hard-stopping the master ${victim.containerName}`);
      timeline.mark(`${writer.acked.length} writes acknowledged before the failure`);
      await deps.runtime.killContainer(victim.container.id);
      killed = true;
      const killedAt = timeline.mark(`master ${victim.containerName} hard-stopped (SIGKILL)`);

      // Promotion: a majority of the Sentinels name the same new master.
      let newMaster: string | undefined;
      let promotedAt: number | undefined;
      const promotionDeadline = deadline();
      while (Date.now() < promotionDeadline) {
        const addrs = await io.masterAddresses(sentinelPorts, sentinelMaster);
        const counts = new Map<string, number>();
        for (const a of addrs) if (a && a !== victimAddr) counts.set(a, (counts.get(a) ?? 0) + 1);
        const winner = [...counts.entries()].find(([, n]) => n >= majority);
        if (winner) {
          newMaster = winner[0];
          promotedAt = timeline.mark(`${winner[1]}/${sentinelPorts.length} Sentinels report the new master ${newMaster}`);
          break;
        }
        await sleep(pollMs);
      }
      measurements.promotionSeconds = promotedAt === undefined ? 'none' : secondsBetween(killedAt, promotedAt);
      measurements.newMaster = newMaster ?? 'none';
      checks.push({
        name: 'the Sentinels promote a replica',
        ok: newMaster !== undefined,
        detail: promotedAt !== undefined ? `${newMaster} after ${secondsBetween(killedAt, promotedAt).toFixed(2)}s` : `none within ${opts.timeoutSeconds}s`,
      });

      // Write gap: the first write started after the kill that the new master acknowledged. Strictly
      // after: the timeline counts whole ms, and a write of the kill's ms may have gone to the old master.
      const ackDeadline = deadline();
      const { acked: ackedWrites } = writer;
      const firstAckAfterKill = () => ackedWrites.find((w) => w.startedAt > killedAt);
      while (!firstAckAfterKill() && Date.now() < ackDeadline) await sleep(pollMs / 2);
      const firstAck = firstAckAfterKill();
      if (firstAck) {
        timeline.events.push({ atMs: firstAck.ackedAt, event: `first write acknowledged after the failure (${firstAck.key})` });
        timeline.events.sort((a, b) => a.atMs - b.atMs);
      }
      measurements.writeGapSeconds = firstAck ? secondsBetween(killedAt, firstAck.ackedAt) : 'none';
      checks.push({
        name: 'writes are acknowledged again',
        ok: firstAck !== undefined,
        detail: firstAck ? `after ${secondsBetween(killedAt, firstAck.ackedAt).toFixed(2)}s` : `not within ${opts.timeoutSeconds}s`,
      });

      if (firstAck) await sleep(writeAfterMs);
      await writer.stop();
      const acked = writer.acked.length;
      timeline.mark(
        `writer stopped: ${acked} of ${writer.attempts()} writes acknowledged` +
          (writer.failed.length ? `; ${writer.failed.length} not (${summarizeErrors(writer.failed.map((f) => f.message))})` : ''),
      );
      measurements.writesAttempted = writer.attempts();
      measurements.writesAcked = acked;
      measurements.writesFailed = writer.failed.length;

      // Every acknowledged write must be on the new master.
      const target = newMaster ? natMap[newMaster] : undefined;
      if (target) {
        const missing = await io.missingWrites(target.port, password, writer.acked);
        measurements.lostWrites = missing.length;
        timeline.mark(`${acked - missing.length}/${acked} acknowledged writes found on ${newMaster}`);
        checks.push({
          name: 'no acknowledged write lost',
          ok: missing.length === 0 && acked > 0,
          detail: missing.length ? `${missing.length} of ${acked} missing (first: ${missing.slice(0, 3).join(', ')})` : `all ${acked} present on ${newMaster}`,
        });
        await io.deleteKeys(target.port, password, writer.acked.map((w) => w.key)).catch(() => undefined);
      } else {
        measurements.lostWrites = 'unknown';
        checks.push({ name: 'no acknowledged write lost', ok: false, detail: 'no new master to read them from' });
      }

      // The old master comes back, as a replica of the new one.
      await deps.runtime.startContainer(victim.container.id);
      restarted = true;
      const startedAt = timeline.mark(`${victim.containerName} started again`);
      try {
        const rejoinDeadline = deadline();
        const remaining = () => Math.max(1, (rejoinDeadline - Date.now()) / 1000);
        const redisHealth = await waitHealthy(quiet, redis, remaining());
        await waitHealthy(quiet, sentinel, remaining());
        const rejoined = timeline.mark(`${redis.name} and ${sentinel.name} healthy again`);
        measurements.rejoinSeconds = secondsBetween(startedAt, rejoined);
        const role = redisHealth.components.find((c) => c.name === victim.containerName)?.role;
        const nowMaster = masterOf(redisHealth);
        checks.push({
          name: `${victim.containerName} rejoins as a replica`,
          ok: role === 'replica' && nowMaster !== victim.containerName,
          detail: `${role ?? 'absent'} (master ${nowMaster ?? 'none'}), healthy ${secondsBetween(startedAt, rejoined).toFixed(2)}s after its start`,
        });
      } catch (error) {
        measurements.rejoinSeconds = 'none';
        checks.push({ name: `${victim.containerName} rejoins as a replica`, ok: false, detail: (error as Error).message.split('\n')[0] });
      }
      await markLogs(deps.runtime, allIds, `fail-master: ${victim.containerName} restored`);
    } finally {
      await writer?.stop().catch(() => undefined);
      // Whatever failed above, the stack is not left without its old master.
      if (killed && !restarted) {
        await deps.runtime.startContainer(victim.container.id).catch((error: Error) =>
          deps.error(`could not start ${victim.containerName} again: ${error.message}; run npx nx run stack:restore`),
        );
      }
    }

    const report: SimulationReport = { scenario: 'fail-master', service: redis.name, timeline, measurements, checks };
    deps.log(opts.json ? reportJson(report) : renderReport(report));
    return passed(report);
  });
}
