import { StackError, errorText } from '../../core/errors';
import { requireSecret } from '../../core/secrets';
import type { ServiceDefinition } from '../../core/service-config';
import { currentServiceOfKind, requireServiceOfKind, type WorkspaceContext } from '../../core/workspace';
import type { MemberView } from '../../kinds/kind';
import { observeMembers } from '../../kinds/members';
import { REDIS_PASSWORD, isRedisReplica, redisMasterOf } from '../../kinds/redis';
import { DEFAULT_MASTER_NAME } from '../../kinds/sentinel';
import type { ContainerInfo } from '../../runtime/container-runtime';
import { waitHealthy } from '../../lifecycle/up';
import { createFailMasterIo, SentinelTraffic, type Endpoint, type FailMasterIo } from '../redis-writer';
import { restoreMember } from '../restore-member';
import { runScenario, type Scenario, type ScenarioDeps, type Scene, type SignalSource } from '../scenario-runner';
import { requireHealthy, secondsBetween } from '../scenario-support';

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
  /** Where SIGINT/SIGTERM come from (default: the process). */
  signals?: SignalSource;
}

export const defaultHarness = (): FailMasterHarness => ({ io: createFailMasterIo(), writeBeforeMs: 1000, writeAfterMs: 2000, pollMs: 100 });

export interface FailMasterOptions {
  timeoutSeconds: number;
  writeIntervalMs: number;
}

export interface RedisServices {
  redis: ServiceDefinition;
  sentinel: ServiceDefinition;
}

export const redisServices = (context: WorkspaceContext): RedisServices => ({
  redis: currentServiceOfKind(context, 'redis', 'fail-master'),
  sentinel: requireServiceOfKind(context, 'sentinel', 'fail-master needs the Sentinels'),
});

interface FailMasterScene extends Scene {
  victim: MemberView & { container: ContainerInfo };
  /** The victim as the Sentinels announce it: redis-1:6379. */
  victimAddr: string;
  sentinelPorts: number[];
  masterName: string;
  /** Announced host:port → where the host reaches it. */
  natMap: Record<string, Endpoint>;
  password: string;
}

/** The announced `host:port` of every member's first port → where the host reaches it (127.0.0.1:<host port>). */
function natEntries(service: ServiceDefinition, members: MemberView[]): Array<[string, Endpoint]> {
  const port = service.config.ports[0];
  return members.map((m) => [`${m.hostname}:${port.container}`, { host: '127.0.0.1', port: m.hostPorts[port.name] }]);
}

/**
 * Hard-stops the Redis master while a Sentinel-aware client keeps writing
 * (SET + WAIT 1), measures how long until the Sentinels promote a replica
 * and until writes are acknowledged again, checks no acknowledged write was
 * lost, then starts the old master and waits until it is back as a replica.
 */
export function failMasterScenario({ redis, sentinel }: RedisServices, opts: FailMasterOptions, harness: FailMasterHarness): Scenario<FailMasterScene> {
  const { io, writeBeforeMs, writeAfterMs, pollMs } = harness;
  const timeoutMs = opts.timeoutSeconds * 1000;
  let traffic: SentinelTraffic;
  let killedAt = 0;
  let newMaster: string | undefined;
  return {
    name: 'fail-master',
    async precondition(ctx) {
      const { runtime, env } = ctx.deps;
      const [before] = await requireHealthy(ctx, [redis, sentinel]);
      const [redisMembers, sentinelMembers] = await Promise.all([observeMembers(runtime, ctx.stack, redis, env), observeMembers(runtime, ctx.stack, sentinel, env)]);
      const victim = redisMembers.find((m) => m.containerName === redisMasterOf(before));
      if (!victim?.container) throw new StackError(`${redis.name} reports no master to stop; run npx nx run stack:restore first.`);
      const victimAddr = `${victim.hostname}:${redis.config.ports[0].container}`;
      const sentinelPorts = sentinelMembers.map((m) => m.hostPorts[sentinel.config.ports[0].name]);
      const masterName = sentinel.config.env.REDIS_MASTER_NAME ?? DEFAULT_MASTER_NAME;
      const reported = await io.masterAddresses(sentinelPorts, masterName);
      if (reported.some((a) => a !== victimAddr)) {
        throw new StackError(
          `the Sentinels name ${reported.map((a) => a ?? 'nothing').join(', ')} as master, but ${redis.name} reports ${victimAddr}; run npx nx run stack:restore first.`,
        );
      }
      return {
        service: redis.name,
        before: `${redis.name} and ${sentinel.name} healthy, master ${victim.hostname}`,
        touched: [...redisMembers, ...sentinelMembers].flatMap((m) => (m.container ? [m.container.id] : [])),
        victim: victim as FailMasterScene['victim'],
        victimAddr,
        sentinelPorts,
        masterName,
        natMap: Object.fromEntries([...natEntries(redis, redisMembers), ...natEntries(sentinel, sentinelMembers)]),
        password: requireSecret(ctx.deps.workspaceRoot, ctx.stack, REDIS_PASSWORD),
      };
    },
    traffic(scene, ctx) {
      const readFrom = () => (newMaster && scene.natMap[newMaster] ? { name: newMaster, endpoint: scene.natMap[newMaster] } : undefined);
      traffic = new SentinelTraffic(
        io,
        {
          sentinels: scene.sentinelPorts.map((port) => ({ host: '127.0.0.1', port })),
          masterName: scene.masterName,
          natMap: scene.natMap,
          password: scene.password,
          keyPrefix: `paws360:simulation:fail-master:${Date.now().toString(36)}:`,
          intervalMs: opts.writeIntervalMs,
          waitMs: WAIT_MS,
          now: () => ctx.timeline.now(),
        },
        readFrom,
      );
      return traffic;
    },
    warmup: { minAcked: 1, minMs: writeBeforeMs, timeoutMs: Math.max(15_000, writeBeforeMs) },
    breaking: (scene) => `hard-stopping the master ${scene.victim.containerName}`,
    async break({ victim }, ctx) {
      await ctx.deps.runtime.killContainer(victim.container.id);
      killedAt = ctx.mark(`master ${victim.containerName} hard-stopped (SIGKILL)`);
    },
    async observe(scene, ctx) {
      // Promotion: a majority of the Sentinels name the same new master.
      const majority = Math.floor(scene.sentinelPorts.length / 2) + 1;
      const promoted = await ctx.poll(
        async () => {
          const counts = new Map<string, number>();
          for (const a of await io.masterAddresses(scene.sentinelPorts, scene.masterName)) {
            if (a && a !== scene.victimAddr) counts.set(a, (counts.get(a) ?? 0) + 1);
          }
          const winner = [...counts.entries()].find(([, n]) => n >= majority);
          return winner && { addr: winner[0], at: ctx.mark(`${winner[1]}/${scene.sentinelPorts.length} Sentinels report the new master ${winner[0]}`) };
        },
        timeoutMs,
        pollMs,
      );
      newMaster = promoted?.addr;
      ctx.measurements.promotionSeconds = promoted ? secondsBetween(killedAt, promoted.at) : 'none';
      ctx.measurements.newMaster = newMaster ?? 'none';
      ctx.check(
        'the Sentinels promote a replica',
        promoted !== undefined,
        promoted ? `${newMaster} after ${secondsBetween(killedAt, promoted.at).toFixed(2)}s` : `none within ${opts.timeoutSeconds}s`,
      );

      // Write gap: the first write started after the kill that the new master acknowledged. Strictly
      // after: the timeline counts whole ms, and a write of the kill's ms may have gone to the old master.
      const firstAck = await ctx.poll(() => traffic.acked.find((w) => w.sentAt > killedAt), timeoutMs, pollMs / 2);
      if (firstAck) ctx.markAt(firstAck.ackedAt, `first write acknowledged after the failure (${firstAck.key})`);
      ctx.measurements.writeGapSeconds = firstAck ? secondsBetween(killedAt, firstAck.ackedAt) : 'none';
      ctx.check(
        'writes are acknowledged again',
        firstAck !== undefined,
        firstAck ? `after ${secondsBetween(killedAt, firstAck.ackedAt).toFixed(2)}s` : `not within ${opts.timeoutSeconds}s`,
      );
      if (firstAck) await ctx.sleep(writeAfterMs);
    },
    restore: ({ victim }, ctx) => restoreMember(ctx.deps.runtime, ctx.stack, redis, victim),
    // The old master comes back, as a replica of the new one.
    async recover({ victim }, ctx, startedAt) {
      const name = `${victim.containerName} rejoins as a replica`;
      try {
        const deadline = Date.now() + timeoutMs;
        const remaining = () => Math.max(1, (deadline - Date.now()) / 1000);
        const redisHealth = await ctx.interruptible(waitHealthy(ctx.waitDeps, redis, remaining()));
        await ctx.interruptible(waitHealthy(ctx.waitDeps, sentinel, remaining()));
        const rejoined = ctx.mark(`${redis.name} and ${sentinel.name} healthy again`);
        ctx.measurements.rejoinSeconds = secondsBetween(startedAt, rejoined);
        const role = redisHealth.components.find((c) => c.name === victim.containerName)?.role;
        const nowMaster = redisMasterOf(redisHealth);
        ctx.check(
          name,
          isRedisReplica(role) && nowMaster !== victim.containerName,
          `${role ?? 'absent'} (master ${nowMaster ?? 'none'}), healthy ${secondsBetween(startedAt, rejoined).toFixed(2)}s after its start`,
        );
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        ctx.measurements.rejoinSeconds = 'none';
        ctx.check(name, false, errorText(error));
      }
    },
  };
}

export const failMaster = (deps: ScenarioDeps, services: RedisServices, opts: FailMasterOptions, harness: FailMasterHarness) =>
  runScenario(failMasterScenario(services, opts, harness), { ...deps, signals: harness.signals ?? deps.signals });
