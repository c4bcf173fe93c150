import { patroniSwitchover } from '../clients/patroni';
import { z } from 'zod';
import type { ExecutorContext } from '@nx/devkit';
import type { ServiceDefinition } from '../core/service-config';
import { stackName } from '../core/naming';
import { allServices, currentService } from '../core/workspace';
import type { StackDeps as ExecutorDeps } from '../lifecycle/stack-deps';
import { checkHealth, type HealthDeps } from '../kinds/health';
import type { MemberView, ServiceHealth } from '../kinds/kind';
import { observeMembers } from '../kinds/members';
import { LEADER_PORT, SUPERUSER_PASSWORD } from '../kinds/router/router-probe';
import { networkName, serviceLabels } from '../core/naming';
import { requireSecret } from '../core/secrets';
import { StackError } from '../core/errors';
import { waitHealthy, type UpDeps } from '../lifecycle/up';
import { Progress } from '../core/progress';
import { markLogs } from './log-marker';
import type { SimulationReport } from './simulation-report';
import { SqlWriter, lostAcks, type Writer, type WriterOptions } from './sql-writer';
import type { Timeline } from './timeline';

/** What the Patroni simulations reach besides the runtime; specs pass imitations. */
export interface PatroniSimDeps {
  writer: (options: WriterOptions) => Writer;
  /** POST /switchover on a member's REST API (host port); Patroni answers in plain text. */
  switchover: (apiPort: number, body: { leader: string; candidate?: string }, timeoutMs: number) => Promise<{ status: number; text: string }>;
  /** How long the writer keeps going once writes are back (before the check); default 2 s. */
  writeOnMs?: number;
}

export const DEFAULT_WRITE_ON_MS = 2000;

export const defaultSimDeps = (): PatroniSimDeps => ({ writer: (options) => new SqlWriter(options), switchover: patroniSwitchover });

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The healthy component reported as leader (the Patroni probe says 'leader' for the one primary). */
export const leaderOf = (health: ServiceHealth, exclude?: string) =>
  health.components.find((c) => c.role === 'leader' && c.name !== exclude)?.name;

export interface PatroniScene {
  patroni: ServiceDefinition;
  router: ServiceDefinition;
  healthDeps: HealthDeps;
  /** For waitHealthy: progress on stderr, so --json stays one line on stdout. */
  waitDeps: UpDeps;
  members: MemberView[];
  /** Patroni's health before the simulation (healthy): roles of the members. */
  patroniHealth: ServiceHealth;
  routerView: MemberView;
  leader: MemberView & { container: NonNullable<MemberView['container']> };
  password: string;
  /** Every container the scenario touches (the Patroni members and the router), for log markers. */
  touchedIds: string[];
}

const unhealthyLines = (health: ServiceHealth) =>
  health.components.filter((c) => c.status !== 'healthy').map((c) => `  ✗ ${c.name}: ${c.detail}`).join('\n');

/**
 * Everything a Patroni simulation starts from: both patroni and the router
 * healthy (else a StackError telling to restore the stack first), the
 * current leader, the router's leader port and the superuser password.
 */
export async function patroniScene(context: ExecutorContext, deps: ExecutorDeps, scenario: string): Promise<PatroniScene> {
  const patroni = currentService(context);
  if (patroni.config.kind !== 'patroni') throw new StackError(`${scenario} simulates a Patroni failure; ${patroni.name} is a ${patroni.config.kind} service.`);
  const router = allServices(context).find((s) => s.config.kind === 'router');
  if (!router) throw new StackError(`${scenario} writes through the router, and the workspace has no service of kind "router".`);
  const stack = stackName(deps.env);
  const healthDeps: HealthDeps = { ...deps, stack, workspaceRoot: context.root };
  const waitDeps: UpDeps = { ...deps, ...healthDeps, progress: deps.progress ?? new Progress(process.stderr) };
  await deps.runtime.ping();

  const [patroniHealth, routerHealth] = await Promise.all([checkHealth(healthDeps, patroni), checkHealth(healthDeps, router)]);
  const bad = [patroniHealth, routerHealth].filter((h) => !h.healthy);
  if (bad.length) {
    throw new StackError(
      `${bad.map((h) => h.service).join(' and ')} ${bad.length > 1 ? 'are' : 'is'} not healthy before the ${scenario} simulation; ` +
        `run npx nx run stack:restore first (or npx nx run ${router.name}:up).\n` +
        bad.map(unhealthyLines).join('\n'),
    );
  }
  const members = await observeMembers(deps.runtime, stack, patroni, deps.env);
  const leaderName = leaderOf(patroniHealth);
  const leader = members.find((m) => m.containerName === leaderName);
  if (!leader?.container) throw new StackError(`${patroni.name} reports no leader container (${leaderName ?? 'none'}); run npx nx run stack:restore first.`);
  const [routerView] = await observeMembers(deps.runtime, stack, router, deps.env);
  const password = requireSecret(context.root, stack, SUPERUSER_PASSWORD);
  const touchedIds = [...members, routerView].flatMap((m) => (m.container ? [m.container.id] : []));
  return {
    patroni,
    router,
    healthDeps,
    waitDeps,
    members,
    patroniHealth,
    routerView,
    leader: leader as PatroniScene['leader'],
    password,
    touchedIds,
  };
}

export function startWriter(scene: PatroniScene, sim: PatroniSimDeps, timeline: Timeline, scenario: string, intervalMs: number): Writer {
  return sim.writer({
    target: { port: scene.routerView.hostPorts[LEADER_PORT], password: scene.password },
    run: `${scenario}-${Date.now().toString(36)}`,
    intervalMs,
    clock: () => timeline.now(),
  });
}

/** Waits until the writer has `count` acknowledged inserts (it is really writing) or throws. */
export async function awaitAcks(writer: Writer, count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (writer.acks.length < count) {
    if (Date.now() > deadline) {
      const last = writer.errors.at(-1);
      throw new StackError(`the writer got no acknowledged insert through the router within ${timeoutMs / 1000}s${last ? `: ${last.message}` : ''}`);
    }
    await sleep(20);
  }
}

/** Polls Patroni's health until a member other than `exclude` is leader; its name and when, or undefined. */
export async function awaitNewLeader(
  healthDeps: HealthDeps,
  patroni: ServiceDefinition,
  exclude: string,
  timeline: Timeline,
  timeoutMs: number,
): Promise<{ name: string; at: number } | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const name = leaderOf(await checkHealth(healthDeps, patroni), exclude);
    if (name) return { name, at: timeline.now() };
    await sleep(200);
  }
  return undefined;
}

/**
 * Stops the writer and checks every acknowledged insert is on the leader
 * (read through the router); retries the read while the router settles.
 */
export async function verifyWrites(
  writer: Writer,
  timeline: Timeline,
  measurements: SimulationReport['measurements'],
  checks: SimulationReport['checks'],
): Promise<void> {
  await writer.stop();
  timeline.mark(`writer stopped: ${writer.acks.length} inserts acknowledged, ${writer.errors.length} failed`);
  let stored: Set<number> | undefined;
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 10 && !stored; attempt++) {
    try {
      stored = await writer.storedNumbers();
    } catch (error) {
      lastError = error as Error;
      await sleep(500);
    }
  }
  measurements.ackedWrites = writer.acks.length;
  measurements.failedWrites = writer.errors.length;
  if (!stored) {
    measurements.lostWrites = 'unknown';
    checks.push({ name: 'no acknowledged write lost', ok: false, detail: `cannot read the rows back: ${lastError?.message ?? 'no answer'}` });
    return;
  }
  const lost = lostAcks(writer.acks, stored);
  measurements.lostWrites = lost.length;
  timeline.mark(`${writer.acks.length - lost.length}/${writer.acks.length} acknowledged inserts found on the leader`);
  checks.push({
    name: 'no acknowledged write lost',
    ok: lost.length === 0 && writer.acks.length > 0,
    detail:
      lost.length === 0
        ? `all ${writer.acks.length} acknowledged inserts are on the leader (${writer.errors.length} failed, never acknowledged)`
        : `${lost.length} of ${writer.acks.length} acknowledged inserts missing (n = ${lost.slice(0, 10).map((a) => a.n).join(', ')}${lost.length > 10 ? ', …' : ''})`,
  });
}

/**
 * Waits until Patroni is healthy again (3 members, one leader, replicas
 * streaming less than 1 MB behind) and checks `member` is back as a replica.
 */
export async function awaitRejoin(
  scene: PatroniScene,
  member: string,
  since: number,
  timeline: Timeline,
  timeoutSeconds: number,
  measurements: SimulationReport['measurements'],
  checks: SimulationReport['checks'],
): Promise<void> {
  try {
    const health = await waitHealthy(scene.waitDeps, scene.patroni, timeoutSeconds);
    const rejoined = timeline.mark(`${scene.patroni.name} healthy again: ${member} rejoined`);
    measurements.rejoinSeconds = (rejoined - since) / 1000;
    const leaders = health.components.filter((c) => c.role === 'leader');
    const role = health.components.find((c) => c.name === member)?.role ?? '-';
    checks.push({
      name: `${member} rejoins as a replica`,
      ok: leaders.length === 1 && role !== 'leader' && health.components.length === scene.members.length,
      detail: `${health.components.length} members, leader ${leaders.map((l) => l.name).join(', ')}, ${member} is ${role}`,
    });
  } catch (error) {
    measurements.rejoinSeconds = 'none';
    checks.push({ name: `${member} rejoins as a replica`, ok: false, detail: (error as Error).message.split('\n')[0] });
  }
}

/** Is the router still sending writes to the leader? One last health probe of it. */
export async function routerCheck(scene: PatroniScene, checks: SimulationReport['checks']): Promise<void> {
  const health = await checkHealth(scene.healthDeps, scene.router);
  checks.push({
    name: 'the router reaches the new topology',
    ok: health.healthy,
    detail: health.components.map((c) => c.detail).join('; '),
  });
}

export const mark = (deps: ExecutorDeps, scene: PatroniScene, text: string) => markLogs(deps.runtime, scene.touchedIds, text);

/** Seconds between two timeline times, for measurements. */
export const secondsBetween = (from: number, to: number) => Math.round(to - from) / 1000;

/**
 * Undoes what a simulation did to a member, whatever state it was left in:
 * attaches it to the stack network again (under its host name, so the others
 * resolve it) and starts it. Returns what it had to do (nothing: []).
 */
export async function restoreMember(deps: ExecutorDeps, scene: PatroniScene, member: MemberView): Promise<string[]> {
  const stack = scene.healthDeps.stack;
  const network = networkName(stack);
  const current = (await deps.runtime.listContainers(serviceLabels(stack, scene.patroni.name))).find((c) => c.id === member.container?.id);
  const done: string[] = [];
  if (!current) return done;
  if (!current.networks.includes(network)) {
    await deps.runtime.connectNetwork(network, current.id, [member.hostname]);
    done.push(`reconnected to ${network} as ${member.hostname}`);
  }
  if (current.state !== 'running') {
    await deps.runtime.startContainer(current.id);
    done.push('started');
  }
  return done;
}

/** Records an event at a time measured earlier (a sample's or an ack's), keeping the timeline in order. */
export function markAt(timeline: Timeline, atMs: number, event: string): number {
  const at = Math.round(atMs);
  timeline.events.push({ atMs: at, event });
  timeline.events.sort((a, b) => a.atMs - b.atMs);
  return at;
}

/** Options every Patroni simulation with a writer takes (each adds its own). */
export const patroniWriterOptions = {
  timeoutSeconds: z.number().positive().default(120),
  writeIntervalMs: z.number().int().min(0).default(20),
  json: z.boolean().default(false),
};
