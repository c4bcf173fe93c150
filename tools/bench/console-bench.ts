/**
 * The console's rows of `nx run stack:bench` (section "console", issue 11):
 * `nx run stack:console` on the running stack, its page in Debian's
 * chromium (playwright-core), timed by the page itself.
 *
 * - First paint: from the page's navigation start to the first render that
 *   shows the stack's health ("N/M healthy": every service's verdict in,
 *   not an empty shell or a partial table). Once with the page opened the
 *   moment the console prints its URL (nothing collected yet), then on a
 *   console already running (the state it has, shown with its age).
 * - Failover visible: `patroni:fail-leader` while the page is open; from
 *   Patroni's own record of the election (the new leader's /history, the
 *   time PostgreSQL switched timeline) to the first render naming the new
 *   leader.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import {
  consoleRenders,
  firstHealthRender,
  lastPatroniFailover,
  nx,
  patroniLeaderShown,
  recordConsoleRenders,
  startNx,
  type ConsoleRender,
} from '@paws360/stack-testing';
import { median, type Row } from './rows';

const URL_LINE = /stack console on (http:\/\/127\.0\.0\.1:\d+\/)/;
const FIRST_PAINT_GOAL = 1;
const FAILOVER_VISIBLE_GOAL = 3;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`console bench: ${what} not within ${timeoutMs / 1000} s`);
    await sleep(everyMs);
  }
}

/** Opens the console in a new page and returns it once the health is shown, with the first render that showed it. */
async function openConsole(browser: BrowserContext, url: string) {
  const page = await browser.newPage();
  await recordConsoleRenders(page);
  await page.goto(url);
  const first = await until('the stack health shown', async () => firstHealthRender(await consoleRenders(page)), 30_000);
  return { page, first };
}

/** "state collected 0.4 s before the page opened" */
const ageNote = (render: ConsoleRender) => {
  if (!render.stateTime) return '';
  const navigationStart = render.at - render.sinceNavigation;
  const age = (navigationStart - Date.parse(render.stateTime)) / 1000;
  return age > 0 ? `collected ${age.toFixed(1)} s before the page opened` : `collected ${(-age).toFixed(2)} s after the page opened`;
};

export async function consoleRows(env: NodeJS.ProcessEnv, runs: number): Promise<Row[]> {
  const profile = mkdtempSync(join(tmpdir(), 'paws360-console-bench-'));
  // The browser first: its own start is not the console's paint.
  const browser = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
  const rows: Row[] = [];
  try {
    const cold: number[] = [];
    const coldNotes: string[] = [];
    let url = '';
    // Page opened as the console starts: a new console each run, the page opened the moment it prints its URL.
    for (let run = 0; run < runs; run++) {
      const consoleNx = startNx(env, 'run', 'stack:console');
      try {
        await consoleNx.waitForOutput(URL_LINE, 120_000);
        url = URL_LINE.exec(consoleNx.output())![1];
        const { page, first } = await openConsole(browser, url);
        cold.push(first.sinceNavigation / 1000);
        coldNotes.push(`${(first.sinceNavigation / 1000).toFixed(2)}`);
        await page.close();
      } finally {
        consoleNx.interrupt();
        await consoleNx.exited;
      }
    }
    rows.push({
      measurement: 'console: first paint, page opened as stack:console prints its URL (navigation → every member’s health shown)',
      pluginSeconds: median(cold),
      goalSeconds: FIRST_PAINT_GOAL,
      runs,
      note: `runs ${coldNotes.join(', ')} s`,
    });

    const consoleNx = startNx(env, 'run', 'stack:console');
    try {
      await consoleNx.waitForOutput(URL_LINE, 120_000);
      url = URL_LINE.exec(consoleNx.output())![1];
      // A console that has been running a while, no page open (it collects less often then): a developer opening it later.
      const warm: number[] = [];
      const warmNotes: string[] = [];
      for (let run = 0; run < runs; run++) {
        await sleep(6_000);
        const { page, first } = await openConsole(browser, url);
        warm.push(first.sinceNavigation / 1000);
        warmNotes.push(`${(first.sinceNavigation / 1000).toFixed(2)} s, ${ageNote(first)}`);
        await page.close();
      }
      rows.push({
        measurement: 'console: first paint, page opened on a running stack:console',
        pluginSeconds: median(warm),
        goalSeconds: FIRST_PAINT_GOAL,
        runs,
        note: warmNotes.join('; '),
      });

      // A failover while the page is open.
      const { page, first } = await openConsole(browser, url);
      const before = patroniLeaderShown(first);
      if (!before) throw new Error(`console bench: the page names no Patroni leader (${first.leaders})`);
      const simulation = await nx(env, 'run', 'patroni:fail-leader', '--json');
      const report = simulation.output.split('\n').find((l) => l.trimStart().startsWith('{"scenario"'));
      const passed = report ? (JSON.parse(report) as { passed: boolean }).passed : false;
      const election = await lastPatroniFailover(env);
      const renders = await consoleRenders(page);
      await page.close();
      if (!election) throw new Error('console bench: Patroni records no failover after patroni:fail-leader');
      const shown = renders.find((r) => r.at >= election.at - 60_000 && patroniLeaderShown(r)?.endsWith(`-${election.newLeader}`));
      const delay = shown ? (shown.at - election.at) / 1000 : undefined;
      process.stderr.write(`bench: console: ${before} → ${election.newLeader} elected at ${new Date(election.at).toISOString()}, shown ${shown ? new Date(shown.at).toISOString() : 'never'}\n`);
      rows.push({
        measurement: `console: failover visible after the election (patroni:fail-leader ${passed ? 'passed' : 'FAILED'}; Patroni's /history → the page names the new leader)`,
        pluginSeconds: delay,
        goalSeconds: FAILOVER_VISIBLE_GOAL,
        runs: 1,
        note: shown ? `${before} → ${election.newLeader}` : `the page never named ${election.newLeader}`,
      });
    } finally {
      consoleNx.interrupt();
      await consoleNx.exited;
    }
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
  for (const row of rows) process.stderr.write(`bench: ${row.measurement}: ${row.pluginSeconds?.toFixed(2) ?? '-'}s\n`);
  return rows;
}
