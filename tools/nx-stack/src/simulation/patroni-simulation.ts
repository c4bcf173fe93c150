import { patroniSwitchover } from '../clients/patroni';
import { StackError, errorText } from '../core/errors';
import { requireSecret } from '../core/secrets';
import type { ServiceDefinition } from '../core/service-config';
import { currentServiceOfKind, requireServiceOfKind, type WorkspaceContext } from '../core/workspace';
import { checkHealth } from '../kinds/health';
import type { MemberView, ServiceHealth } from '../kinds/kind';
import { observeMembers } from '../kinds/members';
import { isPatroniLeader, patroniLeaderOf } from '../kinds/patroni';
import { LEADER_PORT, SUPERUSER_PASSWORD } from '../kinds/router';
import type { ContainerInfo } from '../runtime/container-runtime';
import { waitHealthy } from '../lifecycle/up';
import { runScenario, type Scenario, type ScenarioContext, type ScenarioDeps, type Scene, type SignalSource } from './scenario-runner';
import { requireHealthy } from './scenario-support';
import { SqlWriter, type WriterOptions } from './sql-writer';
import { restoreMember } from './restore-member';
import type { AckedWrite, Traffic } from './traffic';

/** What the Patroni simulations reach besides the runtime; specs pass imitations. */
export interface PatroniSimDeps {
  writer: (options: WriterOptions) => Traffic;
  /** POST /switchover on a member's REST API (host port); Patroni answers in plain text. */
  switchover: (apiPort: number, body: { leader: string; candidate?: string }, timeoutMs: number) => Promise<{ status: number; text: string }>;
  /** How long the writer keeps going once writes are back (before the check); default 2 s. */
  writeOnMs?: number;
  /** Where SIGINT/SIGTERM come from (default: the process). */
  signals?: SignalSource;
}

export const DEFAULT_WRITE_ON_MS = 2000;

export const defaultSimDeps = (): PatroniSimDeps => ({ writer: (options) => new SqlWriter(options), switchover: patroniSwitchover });

/** The services a Patroni simulation acts on: the current one (kind patroni) and the router it writes through. */
export interface PatroniServices {
  patroni: ServiceDefinition;
  router: ServiceDefinition;
}

export function patroniServices(context: WorkspaceContext, scenario: string): PatroniServices {
  return {
    patroni: currentServiceOfKind(context, 'patroni', scenario),
    router: requireServiceOfKind(context, 'router', `${scenario} writes through the router`),
  };
}

/** Options every Patroni simulation with a writer takes (each adds its own). */
export interface PatroniWriterOptions {
  timeoutSeconds: number;
  writeIntervalMs: number;
}

export interface PatroniScene extends Scene {
  patroni: ServiceDefinition;
  router: ServiceDefinition;
  members: MemberView[];
  /** Patroni's health before the simulation (healthy): roles of the members. */
  patroniHealth: ServiceHealth;
  routerView: MemberView;
  leader: MemberView & { container: ContainerInfo };
  password: string;
}

/** Runs a Patroni scenario with the sim's signal source (specs) or the process's. */
export const runPatroniScenario = <S extends PatroniScene>(deps: ScenarioDeps, scenario: Scenario<S>, sim: PatroniSimDeps) =>
  runScenario(scenario, { ...deps, signals: sim.signals ?? deps.signals });

/**
 * Everything a Patroni simulation starts from: both patroni and the router
 * healthy (else a StackError telling to restore the stack first), the
 * current leader, the router's leader port and the superuser password.
 */
export async function patroniScene(ctx: ScenarioContext, { patroni, router }: PatroniServices): Promise<PatroniScene> {
  const { runtime, env } = ctx.deps;
  await runtime.ping();
  const [patroniHealth] = await requireHealthy(ctx, [patroni, router]);
  const members = await observeMembers(runtime, ctx.stack, patroni, env);
  const leaderName = patroniLeaderOf(patroniHealth);
  const leader = members.find((m) => m.containerName === leaderName);
  if (!leader?.container) throw new StackError(`${patroni.name} reports no leader container (${leaderName ?? 'none'}); run npx nx run stack:restore first.`);
  const [routerView] = await observeMembers(runtime, ctx.stack, router, env);
  return {
    service: patroni.name,
    before: `${patroni.name} healthy, leader ${leader.containerName}`,
    touched: [...members, routerView].flatMap((m) => (m.container ? [m.container.id] : [])),
    patroni,
    router,
    members,
    patroniHealth,
    routerView,
    leader: leader as PatroniScene['leader'],
    password: requireSecret(ctx.deps.workspaceRoot, ctx.stack, SUPERUSER_PASSWORD),
  };
}

/** The writer of a Patroni simulation: inserts through the router's leader port. */
export function patroniTraffic(scene: PatroniScene, sim: PatroniSimDeps, ctx: ScenarioContext, intervalMs: number): Traffic {
  return sim.writer({
    target: { port: scene.routerView.hostPorts[LEADER_PORT], password: scene.password },
    via: scene.routerView.containerName,
    run: `${ctx.scenario}-${Date.now().toString(36)}`,
    intervalMs,
    clock: () => ctx.timeline.now(),
  });
}

/** What every Patroni scenario shares: its precondition, the writer through the router, and the restore of the leader it acts on. */
export function patroniBase(services: PatroniServices, opts: PatroniWriterOptions, sim: PatroniSimDeps) {
  let writer: Traffic | undefined;
  const shared: Pick<Scenario<PatroniScene>, 'precondition' | 'traffic' | 'restore'> = {
    precondition: (ctx) => patroniScene(ctx, services),
    traffic: (scene, ctx) => (writer = patroniTraffic(scene, sim, ctx, opts.writeIntervalMs)),
    // Whatever was done to the old leader (stopped, cut off), it is started and attached again.
    restore: (scene, ctx) => restoreMember(ctx.deps.runtime, ctx.stack, scene.patroni, scene.leader),
  };
  /** The writer's acknowledged inserts so far. */
  const acked = (): readonly AckedWrite[] => writer?.acked ?? [];
  return { shared, acked };
}

/** Polls Patroni's health until a member other than `exclude` is leader; its name and when, or undefined. */
export function awaitNewLeader(ctx: ScenarioContext, scene: PatroniScene, exclude: string, timeoutMs: number) {
  return ctx.poll(
    async () => {
      const name = patroniLeaderOf(await checkHealth(ctx.healthDeps, scene.patroni), exclude);
      return name ? { name, at: ctx.timeline.now() } : undefined;
    },
    timeoutMs,
    200,
  );
}

/**
 * Waits until Patroni is healthy again (3 members, one leader, replicas
 * streaming less than 1 MB behind) and checks `member` is back as a replica.
 */
export async function awaitRejoin(ctx: ScenarioContext, scene: PatroniScene, member: string, since: number, timeoutSeconds: number): Promise<void> {
  const name = `${member} rejoins as a replica`;
  try {
    const health = await ctx.interruptible(waitHealthy(ctx.waitDeps, scene.patroni, timeoutSeconds));
    const rejoined = ctx.mark(`${scene.patroni.name} healthy again: ${member} rejoined`);
    ctx.measurements.rejoinSeconds = (rejoined - since) / 1000;
    const leaders = health.components.filter((c) => isPatroniLeader(c.role));
    const role = health.components.find((c) => c.name === member)?.role ?? '-';
    ctx.check(
      name,
      leaders.length === 1 && !isPatroniLeader(role) && health.components.length === scene.members.length,
      `${health.components.length} members, leader ${leaders.map((l) => l.name).join(', ')}, ${member} is ${role}`,
    );
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    ctx.measurements.rejoinSeconds = 'none';
    ctx.check(name, false, errorText(error));
  }
}

/** Is the router still sending writes to the leader? One last health probe of it. */
export async function routerCheck(ctx: ScenarioContext, scene: PatroniScene): Promise<void> {
  const health = await checkHealth(ctx.healthDeps, scene.router);
  ctx.check('the router reaches the new topology', health.healthy, health.components.map((c) => c.detail).join('; '));
}
