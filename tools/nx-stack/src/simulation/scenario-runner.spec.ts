import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StackError } from '../core/errors';
import { testDeps } from '../testing/executor-context';
import { FakeWriter } from '../testing/fake-patroni';
import { FakeRuntime } from '../testing/fake-runtime';
import { MARKER_PREFIX } from './log-marker';
import { RestoreFailedError, SimulationInterrupted, runScenario, type Restored, type Scenario, type ScenarioContext, type ScenarioDeps, type Scene } from './scenario-runner';
import { passed, reportJson } from './simulation-report';

const spec = (name: string) => ({ name, image: 'debian:bookworm-slim', hostname: name, env: {}, labels: {}, network: 'n', aliases: [], ports: [], mounts: [], stopTimeoutSeconds: 1 });

/** Waits until `condition` holds (the runner works in the background). */
const until = async (what: string, condition: () => boolean, timeoutMs = 3000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

/**
 * A scenario that records its phases: the break stops the "victim"
 * container, the restore starts it again (only when it is stopped), and each
 * phase can be made to throw or to hang (until interrupted).
 */
function recordingScenario(runtime: FakeRuntime, options: { hang?: string; fail?: string; throughRestore?: boolean; restoreFails?: number } = {}) {
  const phases: string[] = [];
  const victim = runtime.addContainer(spec('victim'));
  const peer = runtime.addContainer(spec('peer'));
  let writer: FakeWriter | undefined;
  let restoreFailures = options.restoreFails ?? 0;
  const step = async (phase: string, ctx: ScenarioContext) => {
    phases.push(phase);
    if (options.fail === phase) throw new StackError(`${phase} broke`);
    if (options.hang === phase) await ctx.poll(() => undefined, 60_000, 5);
  };
  const scenario: Scenario<Scene> = {
    name: 'recorded',
    trafficThroughRestore: options.throughRestore,
    async precondition(ctx) {
      await step('precondition', ctx);
      return { service: 'svc', before: 'svc healthy', touched: [victim.id, peer.id] };
    },
    traffic(_scene, ctx) {
      phases.push('traffic');
      writer = new FakeWriter({ target: { port: 1, password: 'x' }, via: 'spec', run: 'run1', intervalMs: 1, clock: () => ctx.timeline.now() }, 1);
      const { start, stop } = writer;
      writer.start = () => (phases.push('traffic.start'), start.call(writer));
      writer.stop = () => (phases.push('traffic.stop'), stop.call(writer));
      return writer;
    },
    warmup: { minAcked: 3 },
    breaking: () => 'stopping victim',
    async break(_scene, ctx) {
      await step('break', ctx);
      await ctx.deps.runtime.killContainer(victim.id);
      ctx.mark('victim hard-stopped');
    },
    async observe(_scene, ctx) {
      await step('observe', ctx);
      ctx.measurements.observed = 1;
      ctx.check('observed', true, 'fine');
    },
    async verify(_scene, ctx) {
      await step('verify', ctx);
    },
    async restore(_scene, ctx): Promise<Restored[]> {
      phases.push('restore');
      if (restoreFailures-- > 0) throw new Error('engine hiccup');
      if (runtime.container('victim').state === 'running') return [];
      await ctx.deps.runtime.startContainer(victim.id);
      return [{ target: 'victim', actions: ['started'] }];
    },
    async recover(_scene, ctx) {
      await step('recover', ctx);
      ctx.check('recovered', true, 'back');
    },
  };
  return { scenario, phases, victim, writer: () => writer };
}

describe('runScenario', () => {
  let runtime: FakeRuntime;
  let root: string;
  let signals: EventEmitter;
  beforeEach(() => {
    runtime = new FakeRuntime();
    root = mkdtempSync(join(tmpdir(), 'nx-stack-runner-'));
    signals = new EventEmitter();
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const deps = (overrides: Partial<ScenarioDeps> = {}) => {
    const test = testDeps(runtime);
    return { ...test, deps: { ...test.deps, workspaceRoot: root, signals, ...overrides } as ScenarioDeps };
  };
  /** [container, marker text] of every marker line written, the prefix and the time checked and taken off. */
  const markers = () =>
    runtime.callsTo('exec').map(([id, cmd]) => {
      const line = String((cmd as string[])[4]);
      expect(line).toMatch(new RegExp(`^\\${MARKER_PREFIX.slice(0, -1)}\\] \\d{4}-\\d\\d-\\d\\dT\\S+ `));
      return [runtime.containers.get(id as string)!.name, line.replace(/^\S+ \S+ /, '')];
    });

  it('runs the phases in order: precondition → traffic → break → observe → verify → restore → recover', async () => {
    const { scenario, phases, victim, writer } = recordingScenario(runtime);
    const { deps: d, errors } = deps();
    const report = await runScenario(scenario, d);
    expect(phases).toEqual(['precondition', 'traffic', 'traffic.start', 'break', 'observe', 'traffic.stop', 'verify', 'restore', 'recover', 'traffic.stop']);
    expect(errors).toEqual([]);
    expect(runtime.container('victim').state).toBe('running');
    expect(runtime.callsTo('startContainer')).toEqual([[victim.id]]);
    // The traffic was warmed up before the break: at least the 3 acknowledged writes asked for.
    expect(writer()!.acked.filter((a) => a.sentAt < report.timeline.events.find((e) => e.event === 'victim hard-stopped')!.atMs).length).toBeGreaterThanOrEqual(3);
    // Markers in every touched container: at the break (the victim still running) and after the restore.
    expect(markers()).toEqual([
      ['victim', 'recorded: stopping victim'],
      ['peer', 'recorded: stopping victim'],
      ['victim', 'recorded: victim restored: started'],
      ['peer', 'recorded: victim restored: started'],
    ]);
  });

  it('produces the SimulationReport: timeline in order, the traffic’s measurements and its data-loss check between observe and recover', async () => {
    const { scenario } = recordingScenario(runtime);
    const report = await runScenario(scenario, deps().deps);
    expect(report).toMatchObject({ scenario: 'recorded', service: 'svc' });
    const events = report.timeline.events.map((e) => e.event);
    expect(events[0]).toBe('svc healthy');
    expect(events).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^writer inserting through spec: \d+ inserts acknowledged before the break$/),
        'victim hard-stopped',
        expect.stringMatching(/^writer stopped: (\d+) of \d+ inserts acknowledged$/),
        expect.stringMatching(/^\d+\/\d+ acknowledged inserts found on the leader$/),
        'victim restored: started',
      ]),
    );
    const times = report.timeline.events.map((e) => e.atMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(report.checks.map((c) => [c.name, c.ok])).toEqual([
      ['observed', true],
      ['no acknowledged write lost', true],
      ['recovered', true],
    ]);
    expect(report.measurements).toMatchObject({ observed: 1, lostWrites: 0, failedWrites: 0, ackedWrites: expect.any(Number) });
    expect(passed(report)).toBe(true);
    expect(Object.keys(JSON.parse(reportJson(report)))).toEqual(['scenario', 'service', 'passed', 'measurements', 'checks', 'timeline']);
  });

  it('trafficThroughRestore: the writes are verified last, after the restore and the recovery', async () => {
    const { scenario, phases } = recordingScenario(runtime, { throughRestore: true });
    const report = await runScenario(scenario, deps().deps);
    expect(phases).toEqual(['precondition', 'traffic', 'traffic.start', 'break', 'observe', 'restore', 'recover', 'traffic.stop', 'verify', 'traffic.stop']);
    expect(report.checks.map((c) => c.name)).toEqual(['observed', 'recovered', 'no acknowledged write lost']);
  });

  it('a phase that throws: the restore runs (once), the traffic stops, the deferred cleanups run, the error is rethrown', async () => {
    const { scenario, phases } = recordingScenario(runtime, { fail: 'observe' });
    const cleanup = jest.fn(async () => undefined);
    const observe = scenario.observe;
    scenario.observe = (scene, ctx) => (ctx.defer(cleanup), observe(scene, ctx));
    const { deps: d, errors, progressOut } = deps();
    await expect(runScenario(scenario, d)).rejects.toThrow('observe broke');
    expect(phases).toEqual(['precondition', 'traffic', 'traffic.start', 'break', 'observe', 'restore', 'traffic.stop']);
    // Each event went to the progress stream as it happened; the last line says how the run ended.
    expect(progressOut.text()).toContain('recorded: victim hard-stopped\n');
    expect(progressOut.text().trimEnd().split('\n').at(-1)).toMatch(/^recorded: failed after [\d.]+s$/);
    expect(runtime.container('victim').state).toBe('running');
    expect(cleanup).toHaveBeenCalledTimes(1);
    expect(errors).toEqual(['recorded: victim restored after a failed run: started; check it with npx nx run svc:health']);
    expect(markers().map(([, text]) => text)).toContain('recorded: victim restored: started');
  });

  it('a failing precondition: nothing is broken, nothing restored, no traffic, no marker', async () => {
    const { scenario, phases } = recordingScenario(runtime, { fail: 'precondition' });
    const { deps: d, errors } = deps();
    await expect(runScenario(scenario, d)).rejects.toThrow('precondition broke');
    expect(phases).toEqual(['precondition']);
    expect(errors).toEqual([]);
    expect(runtime.callsTo('exec')).toEqual([]);
    expect(signals.listenerCount('SIGINT') + signals.listenerCount('SIGTERM')).toBe(0);
  });

  it('a restore that fails as a phase is tried again (it is idempotent); the run fails with the first error', async () => {
    const { scenario, phases } = recordingScenario(runtime, { restoreFails: 1 });
    const { deps: d, errors } = deps();
    await expect(runScenario(scenario, d)).rejects.toThrow('engine hiccup');
    expect(phases.filter((p) => p === 'restore')).toHaveLength(2);
    expect(runtime.container('victim').state).toBe('running');
    expect(errors).toEqual(['recorded: victim restored after a failed run: started; check it with npx nx run svc:health']);
  });

  it('a restore that fails after a failed phase says how to repair the stack', async () => {
    const { scenario } = recordingScenario(runtime, { fail: 'observe', restoreFails: 1 });
    const { deps: d, errors } = deps();
    await expect(runScenario(scenario, d)).rejects.toThrow('observe broke');
    expect(errors).toEqual(['recorded: could not restore what it broke (engine hiccup); repair it with npx nx run stack:restore']);
    expect(new RestoreFailedError('x')).toBeInstanceOf(Error);
  });

  describe('SIGINT and SIGTERM', () => {
    it('SIGINT while observing: restores once, stops, removes its handlers and rejects with SimulationInterrupted', async () => {
      const { scenario, phases, victim } = recordingScenario(runtime, { hang: 'observe' });
      const { deps: d, errors } = deps();
      const run = runScenario(scenario, d);
      await until('the observe phase', () => phases.includes('observe'));
      expect(signals.listenerCount('SIGINT')).toBe(1);
      expect(signals.listenerCount('SIGTERM')).toBe(1);
      signals.emit('SIGINT');
      const error = await run.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SimulationInterrupted);
      expect((error as SimulationInterrupted).signal).toBe('SIGINT');
      expect((error as Error).message).toBe('recorded interrupted by SIGINT: victim restored: started; check it with npx nx run svc:health');
      expect(errors).toEqual(['recorded: SIGINT: stopping, and restoring what the simulation broke first…']);
      expect(phases).toEqual(['precondition', 'traffic', 'traffic.start', 'break', 'observe', 'restore', 'traffic.stop']);
      expect(runtime.callsTo('startContainer')).toEqual([[victim.id]]);
      expect(runtime.container('victim').state).toBe('running');
      expect(signals.listenerCount('SIGINT') + signals.listenerCount('SIGTERM')).toBe(0);
    });

    it('a second SIGINT while restoring is answered with a message, and the restore still completes (once)', async () => {
      const { scenario, phases } = recordingScenario(runtime, { hang: 'observe' });
      runtime.latencyMs.startContainer = 100;
      const { deps: d, errors } = deps();
      const run = runScenario(scenario, d);
      await until('the observe phase', () => phases.includes('observe'));
      signals.emit('SIGINT');
      await until('the restore', () => runtime.callsTo('startContainer').length === 1);
      signals.emit('SIGINT');
      signals.emit('SIGTERM');
      await expect(run).rejects.toThrow(/interrupted by SIGINT: victim restored: started/);
      expect(errors.slice(1)).toEqual([
        expect.stringMatching(/^recorded: SIGINT again: still restoring what the simulation broke; wait for it/),
        expect.stringMatching(/^recorded: SIGTERM again: still restoring/),
      ]);
      expect(phases.filter((p) => p === 'restore')).toHaveLength(1);
      expect(runtime.container('victim').state).toBe('running');
    });

    it('SIGTERM while the restore phase is already running waits for it instead of restoring twice', async () => {
      const { scenario, phases } = recordingScenario(runtime, { hang: 'recover' });
      runtime.latencyMs.startContainer = 100;
      const run = runScenario(scenario, deps().deps);
      await until('the restore phase', () => runtime.callsTo('startContainer').length === 1);
      signals.emit('SIGTERM');
      await expect(run).rejects.toThrow('recorded interrupted by SIGTERM: victim restored: started');
      expect(phases.filter((p) => p === 'restore')).toHaveLength(1);
      expect(phases).not.toContain('recover');
    });

    it('a signal before the break: nothing to restore, the break never happens', async () => {
      const { scenario, phases } = recordingScenario(runtime, { hang: 'precondition' });
      const { deps: d, errors } = deps();
      const run = runScenario(scenario, d);
      await until('the precondition', () => phases.includes('precondition'));
      signals.emit('SIGTERM');
      await expect(run).rejects.toThrow('recorded interrupted by SIGTERM before anything was broken');
      expect(errors).toEqual(['recorded: SIGTERM: stopping; nothing was broken yet']);
      expect(phases).toEqual(['precondition']);
      expect(runtime.callsTo('killContainer')).toEqual([]);
    });

    it('without an injected source it listens on the process itself, only while it runs', async () => {
      const before = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
      const { scenario, phases } = recordingScenario(runtime, { hang: 'observe' });
      const run = runScenario(scenario, deps({ signals: undefined }).deps);
      await until('the observe phase', () => phases.includes('observe'));
      expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual([before[0] + 1, before[1] + 1]);
      process.emit('SIGINT');
      await expect(run).rejects.toBeInstanceOf(SimulationInterrupted);
      expect(runtime.container('victim').state).toBe('running');
      expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual(before);
    });
  });
});
