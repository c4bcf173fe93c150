import type { Page } from 'playwright-core';
import { jsonLine, nx } from './stack-cli';

/** One render of `stack:console`'s page, timed by the page itself. */
export interface ConsoleRender {
  /** Wall clock of the render (ms since the epoch). */
  at: number;
  /** ms since the page's navigation started (the browser's own performance.now()). */
  sinceNavigation: number;
  /** "14/15 healthy", or "checking… (waiting for …)" while the first health round is not in. */
  summary: string;
  /** "patroni leader/master: paws360-patroni-2 · redis leader/master: …" */
  leaders: string;
  /** When the state shown was collected (the console's clock, which is this host's). */
  stateTime?: string;
}

/** A summary that shows the stack's health: every service's verdict is in. */
export const HEALTH_SHOWN = /^\d+\/\d+ healthy$/;

// Every change of the summary or the leaders line (render() rewrites both), recorded as it happens,
// in the page's own clock: what a developer looking at it sees, with no polling delay of ours.
const RECORDER = `
window.__consoleRenders = [];
new MutationObserver((mutations) => {
  if (!mutations.some((m) => { const el = m.target.nodeType === 1 ? m.target : m.target.parentElement; return el && (el.id === 'summary' || el.id === 'leaders'); })) return;
  const summary = document.getElementById('summary');
  const leaders = document.getElementById('leaders');
  const age = document.getElementById('age');
  window.__consoleRenders.push({
    at: Date.now(),
    sinceNavigation: performance.now(),
    summary: summary ? summary.textContent : '',
    leaders: leaders ? leaders.textContent : '',
    stateTime: age && age.dataset.time ? age.dataset.time : undefined,
  });
}).observe(document, { subtree: true, childList: true, characterData: true });
`;

/** Records every render of the console page from its first byte on: call before page.goto. */
export const recordConsoleRenders = (page: Page) => page.addInitScript(RECORDER);

/** The renders recorded so far. */
export const consoleRenders = (page: Page) => page.evaluate('window.__consoleRenders') as Promise<ConsoleRender[]>;

/** The first render that showed the stack's health (a summary "N/M healthy"), if any yet. */
export const firstHealthRender = (renders: ConsoleRender[]) => renders.find((r) => HEALTH_SHOWN.test(r.summary));

/** The Patroni leader a render's leaders line names. */
export const patroniLeaderShown = (render: ConsoleRender) => /patroni leader\/master: (\S+)/.exec(render.leaders)?.[1];

/** Patroni's own record of its last failover (`patroni:inspect --json`, the leader's /history): when the new leader took over, and who. */
export async function lastPatroniFailover(env: NodeJS.ProcessEnv): Promise<{ at: number; newLeader: string; timeline: number } | undefined> {
  const result = await nx(env, 'run', 'patroni:inspect', '--json');
  const report = jsonLine<{ facts: { failovers: Array<{ timeline: number; at: string | null; newLeader: string | null }> } }>(result.output);
  const last = report.facts.failovers.at(-1);
  if (!last?.at || !last.newLeader) return undefined;
  return { at: Date.parse(last.at), newLeader: last.newLeader, timeline: last.timeline };
}
