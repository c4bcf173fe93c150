import { UserError, errorText } from '../core/errors';
import { stackName } from '../core/naming';
import { Progress } from '../core/progress';
import type { HealthDeps } from '../kinds/health';
import type { StackDeps } from '../lifecycle/stack-deps';
import type { UpDeps } from '../lifecycle/up';
import { markLogs } from './log-marker';
import type { SimulationCheck, SimulationReport } from './simulation-report';
import { Timeline } from './timeline';
import { verifyTraffic, type Traffic } from './traffic';

/** What every scenario starts from, once its precondition holds. */
export interface Scene {
  /** The service the report is about. */
  service: string;
  /** How the stack stands before the break, for the timeline ("patroni healthy, leader paws360-patroni-1"). */
  before: string;
  /** Ids of the containers that get the log markers at the break and at the restore. */
  touched: string[];
}

/** What a restore did to one member (nothing: no entry). */
export interface Restored {
  /** The member, e.g. paws360-patroni-1. */
  target: string;
  /** What was done to it: "started", "reconnected to paws360-backend as patroni-1". */
  actions: string[];
}

/** How long the traffic runs before the break: at least `minMs` and until `minAcked` writes are acknowledged (else fail after `timeoutMs`). */
export interface Warmup {
  minAcked: number;
  minMs: number;
  timeoutMs: number;
}

export const DEFAULT_WARMUP: Warmup = { minAcked: 5, minMs: 0, timeoutMs: 15_000 };

/**
 * One failure simulation, as phases the runner calls in order:
 * precondition → traffic → break → observe → verify → restore → recover
 * (with `trafficThroughRestore`: … observe → restore → recover → verify).
 * The restore also runs when a phase throws and when the process gets
 * SIGINT or SIGTERM, once, and must be idempotent: it undoes whatever the
 * break did and returns what it had to do.
 */
export interface Scenario<S extends Scene> {
  /** The scenario's (and target's) name, e.g. fail-leader. */
  name: string;
  /** Checks the stack is healthy and finds what to break; throws a UserError saying what to do, touching nothing. */
  precondition(ctx: ScenarioContext): Promise<S>;
  /** The writes to make through the break (started, warmed up, verified and stopped by the runner). */
  traffic?(scene: S, ctx: ScenarioContext): Traffic;
  warmup?: Partial<Warmup>;
  /** The log marker text of the break ("hard-stopping paws360-patroni-1 (leader)"). */
  breaking(scene: S): string;
  break(scene: S, ctx: ScenarioContext): Promise<void>;
  /** Measures what the stack does about it: checks and measurements. */
  observe(scene: S, ctx: ScenarioContext): Promise<void>;
  /** Checks after the traffic's own (no acknowledged write lost). */
  verify?(scene: S, ctx: ScenarioContext): Promise<void>;
  restore(scene: S, ctx: ScenarioContext): Promise<Restored[]>;
  /** Checks after the restore (the member rejoins); `restoredAt` is when the restore ended on the timeline. */
  recover?(scene: S, ctx: ScenarioContext, restoredAt: number): Promise<void>;
  /** The traffic keeps going through the restore and the recovery, and is verified last. */
  trafficThroughRestore?: boolean;
}

/** Where SIGINT and SIGTERM come from: the process, or an EventEmitter in specs. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
}

export const INTERRUPT_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/** What the runner needs: the executor's deps, the workspace root, and (specs) a signal source. */
export interface ScenarioDeps extends StackDeps {
  workspaceRoot: string;
  signals?: SignalSource;
}

/** A run ended by SIGINT or SIGTERM (after the restore): the target fails. */
export class SimulationInterrupted extends UserError {
  override name = 'SimulationInterrupted';
  constructor(
    message: string,
    readonly signal: NodeJS.Signals,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The restore itself failed: the stack is left broken, and says how to repair it. */
export class RestoreFailedError extends UserError {
  override name = 'RestoreFailedError';
}

/** What the phases of a scenario work with. */
export interface ScenarioContext {
  readonly scenario: string;
  readonly deps: ScenarioDeps;
  readonly stack: string;
  readonly healthDeps: HealthDeps;
  /** For waitHealthy: its progress goes to stderr, so --json stays one line on stdout. */
  readonly waitDeps: UpDeps;
  readonly timeline: Timeline;
  readonly measurements: SimulationReport['measurements'];
  readonly checks: SimulationCheck[];
  /** Aborted when the run is interrupted. */
  readonly signal: AbortSignal;
  /** Records an event on the timeline (and as a progress line); returns its time. */
  mark(event: string): number;
  /** Records an event at a time measured earlier (a sample's, an ack's), keeping the timeline in order. */
  markAt(atMs: number, event: string): number;
  check(name: string, ok: boolean, detail: string): void;
  /** Waits; rejects at once when the run is interrupted. */
  sleep(ms: number): Promise<void>;
  /** Calls `probe` every `everyMs` until it returns something other than undefined, or `timeoutMs` passes (undefined). */
  poll<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number, everyMs: number): Promise<T | undefined>;
  /** Runs something to the end unless the run is interrupted first. */
  interruptible<T>(work: Promise<T>): Promise<T>;
  /** Something to undo when the run ends, however it ends (stop a sampler…). */
  defer(cleanup: () => Promise<unknown>): void;
}

/** How long the runner lets the phases unwind after an interruption before it returns anyway. */
const UNWIND_MS = 2000;

const describeRestored = (restored: Restored[]) => restored.map((r) => `${r.target} restored: ${r.actions.join(', ')}`).join('; ');

/**
 * Runs a scenario and returns its report. The restore runs once: as its
 * phase, or, when a phase throws or SIGINT/SIGTERM arrives, right after the
 * break (then the error, or a SimulationInterrupted, is thrown). Signal
 * handlers are installed for the duration of the run only; a second signal
 * while restoring is answered with a message, never by skipping the restore.
 */
export async function runScenario<S extends Scene>(scenario: Scenario<S>, deps: ScenarioDeps): Promise<SimulationReport> {
  const name = scenario.name;
  const progress = deps.progress ?? new Progress(process.stderr);
  const stack = stackName(deps.env);
  const healthDeps: HealthDeps = { ...deps, stack };
  const timeline = new Timeline();
  const checks: SimulationCheck[] = [];
  const measurements: SimulationReport['measurements'] = {};
  const cleanups: Array<() => Promise<unknown>> = [];
  const abort = new AbortController();

  let scene: S | undefined;
  let traffic: Traffic | undefined;
  let breaking: Promise<unknown> | undefined;
  let restoring: Promise<Restored[]> | undefined;
  /** Set when a signal arrived: which one. */
  let interruptedBy: NodeJS.Signals | undefined;
  let interruptedError: SimulationInterrupted | undefined;
  let rejectInterrupted: (error: Error) => void = () => undefined;
  const interrupted = new Promise<never>((_, reject) => (rejectInterrupted = reject));
  interrupted.catch(() => undefined);

  const throwIfInterrupted = () => {
    if (interruptedError) throw interruptedError;
  };
  const ctx: ScenarioContext = {
    scenario: name,
    deps,
    stack,
    healthDeps,
    waitDeps: { ...deps, ...healthDeps, progress },
    timeline,
    measurements,
    checks,
    signal: abort.signal,
    mark(event) {
      // One line per event on stderr (--json keeps stdout to its one line): a long run shows where it is.
      progress.done(`${name}: ${event}`);
      return timeline.mark(event);
    },
    markAt(atMs, event) {
      const at = Math.round(atMs);
      timeline.events.push({ atMs: at, event });
      timeline.events.sort((a, b) => a.atMs - b.atMs);
      return at;
    },
    check(checkName, ok, detail) {
      checks.push({ name: checkName, ok, detail });
    },
    sleep(ms) {
      return ctx.interruptible(new Promise<void>((resolve) => setTimeout(resolve, ms)));
    },
    async poll(probe, timeoutMs, everyMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await ctx.interruptible(Promise.resolve(probe()));
        if (value !== undefined) return value;
        if (Date.now() >= deadline) return undefined;
        await ctx.sleep(everyMs);
      }
    },
    interruptible(work) {
      throwIfInterrupted();
      return Promise.race([work, interrupted]);
    },
    defer(cleanup) {
      cleanups.push(cleanup);
    },
  };

  /**
   * The restore, once: it waits for a break in flight to land first, then
   * undoes it and marks the logs. A failed attempt is forgotten, so the
   * failure path tries again (the restore is idempotent); a successful or
   * running one is shared by every caller.
   */
  let restoredIn: 'phase' | 'failure' | undefined;
  const restoreOnce = (s: S, caller: 'phase' | 'failure') => {
    if (restoring) return restoring;
    const attempt = (async () => {
      await breaking?.catch(() => undefined);
      const restored = await scenario.restore(s, ctx);
      restoredIn = caller;
      await markLogs(deps.runtime, s.touched, `${name}: ${describeRestored(restored) || 'done, nothing to restore'}`);
      return restored;
    })();
    restoring = attempt;
    attempt.catch(() => {
      if (restoring === attempt) restoring = undefined;
    });
    return attempt;
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (interruptedBy) {
      deps.error(
        !breaking
          ? `${name}: ${signal} again: stopping…`
          : restoredIn
            ? `${name}: ${signal} again: already restored, stopping…`
            : `${name}: ${signal} again: still restoring what the simulation broke; wait for it, or the stack stays broken (then: npx nx run stack:restore)`,
      );
      return;
    }
    interruptedBy = signal;
    deps.error(
      breaking
        ? `${name}: ${signal}: stopping, and restoring what the simulation broke first…`
        : `${name}: ${signal}: stopping; nothing was broken yet`,
    );
    interruptedError = new SimulationInterrupted(`${name} interrupted by ${signal}`, signal);
    abort.abort(interruptedError);
    rejectInterrupted(interruptedError);
  };
  const signals = deps.signals ?? process;
  const listeners = INTERRUPT_SIGNALS.map((signal) => [signal, () => onSignal(signal)] as const);
  for (const [signal, listener] of listeners) signals.on(signal, listener);

  const verify = async (s: S) => {
    if (traffic) await verifyTraffic(traffic, ctx);
    await scenario.verify?.(s, ctx);
  };

  const phases = async () => {
    const s = (scene = await scenario.precondition(ctx));
    ctx.mark(s.before);
    throwIfInterrupted();
    traffic = scenario.traffic?.(s, ctx);
    if (traffic) await warmUp(traffic, ctx, { ...DEFAULT_WARMUP, ...scenario.warmup });
    await markLogs(deps.runtime, s.touched, `${name}: ${scenario.breaking(s)}`);
    throwIfInterrupted();
    breaking = scenario.break(s, ctx);
    await breaking;
    await scenario.observe(s, ctx);
    throwIfInterrupted();
    if (!scenario.trafficThroughRestore) await verify(s);
    const restored = await restoreOnce(s, 'phase');
    throwIfInterrupted();
    const restoredAt = ctx.mark(describeRestored(restored) || 'nothing to restore');
    await scenario.recover?.(s, ctx, restoredAt);
    if (scenario.trafficThroughRestore) await verify(s);
    throwIfInterrupted();
    return s;
  };

  const run = phases();
  let outcome = 'finished';
  try {
    const { service } = await Promise.race([run, interrupted]);
    throwIfInterrupted();
    return { scenario: name, service, timeline, measurements, checks };
  } catch (error) {
    outcome = interruptedBy ? `interrupted by ${interruptedBy}` : breaking ? 'failed' : 'stopped before the break';
    if (!abort.signal.aborted) abort.abort(error);
    throw await afterFailure(error);
  } finally {
    if (interruptedBy) await Promise.race([run.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, UNWIND_MS))]);
    await Promise.allSettled([traffic?.stop(), ...cleanups.map((cleanup) => cleanup())]);
    for (const [signal, listener] of listeners) signals.off(signal, listener);
    progress.done(`${name}: ${outcome} after ${(timeline.now() / 1000).toFixed(1)}s`);
  }

  /** After a phase threw or a signal arrived: restore when something was broken; the error to throw. */
  async function afterFailure(error: unknown): Promise<unknown> {
    const signal = interruptedBy;
    const s = scene;
    if (!breaking || !s) return signal ? new SimulationInterrupted(`${name} interrupted by ${signal} before anything was broken`, signal) : error;
    let restored: Restored[];
    try {
      restored = await restoreOnce(s, 'failure');
    } catch (restoreError) {
      const failed = new RestoreFailedError(
        `${name}: could not restore what it broke (${errorText(restoreError)}); repair it with npx nx run stack:restore`,
        { cause: restoreError },
      );
      if (signal) return new SimulationInterrupted(`${name} interrupted by ${signal}; ${failed.message}`, signal, { cause: restoreError });
      deps.error(failed.message);
      return error;
    }
    const health = `check it with npx nx run ${s.service}:health`;
    if (signal) {
      const what = describeRestored(restored) || 'nothing needed restoring';
      return new SimulationInterrupted(`${name} interrupted by ${signal}: ${what}; ${health}`, signal);
    }
    if (restoredIn === 'failure') {
      for (const r of restored) {
        const text = `${r.target} restored after a failed run: ${r.actions.join(', ')}`;
        timeline.mark(text);
        deps.error(`${name}: ${text}; ${health}`);
      }
    }
    return error;
  }
}

/** Starts the traffic and lets it run until it has written enough to judge the break by (or fails, saying why). */
async function warmUp(traffic: Traffic, ctx: ScenarioContext, warmup: Warmup): Promise<void> {
  const started = Date.now();
  await ctx.interruptible(traffic.start());
  const warm = await ctx.poll(
    () => (traffic.acked.length >= warmup.minAcked && Date.now() - started >= warmup.minMs ? true : undefined),
    Math.max(warmup.timeoutMs, warmup.minMs),
    20,
  );
  if (!warm) {
    const last = traffic.failed.at(-1);
    throw new UserError(
      `the writer (${traffic.description}) got ${traffic.acked.length} of ${warmup.minAcked} acknowledged ${traffic.noun} within ${warmup.timeoutMs / 1000}s` +
        `${last ? `: ${last.message}` : ''}; run npx nx run stack:restore first`,
    );
  }
  ctx.mark(`writer ${traffic.description}: ${traffic.acked.length} ${traffic.noun} acknowledged before the break`);
}
