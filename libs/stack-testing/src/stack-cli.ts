import { execa } from 'execa';
import { constants } from 'node:os';
import { resolve } from 'node:path';

/** The workspace root (this file is libs/stack-testing/src/stack-cli.ts). */
export const workspaceRoot = resolve(__dirname, '../../..');

/**
 * nx's own bin, which the suites run with this Node: the same nx a user's
 * `npx nx` starts, without npx's own start-up (about 0.5 s per command, more
 * on a loaded machine, and the suites run hundreds of commands).
 */
export const NX_BIN = require.resolve('nx/bin/nx.js', { paths: [workspaceRoot] });

export interface CliResult {
  /** As a shell reports it: killed by a signal is 128 + its number (SIGINT: 130). */
  exitCode: number;
  /** stdout and stderr interleaved, as a user would see them. */
  output: string;
}

/**
 * The environment of a throwaway stack: its own name and a port offset, so
 * integration tests never touch a developer's running `paws360` stack.
 */
export function testStackEnv(stack: string, portOffset: number): NodeJS.ProcessEnv {
  // `npm test -- --skip-nx-cache` makes Nx set NX_SKIP_NX_CACHE for its tasks. A suite's nested
  // commands would then build again what this very run built moments before (web:up reran the
  // frontend's typecheck, unit tests and next build inside the web suite): what they need from
  // the cache is that run's own results, under the same hashes.
  const { NX_SKIP_NX_CACHE: _skip, ...inherited } = process.env;
  return {
    ...inherited,
    PAWS360_STACK: stack,
    PAWS360_PORT_OFFSET: String(portOffset),
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    // Its containers belong to this process: nx run stack:prune removes them if it dies without cleaning up.
    PAWS360_OWNER_PID: String(process.pid),
    // Nx 23 records every task a chain of nested nx processes runs under the chain's root process
    // and stops a second invocation of one as a loop. Suites overlap in the pipeline, each running
    // nx itself (two suites' etcd:down at once is no loop): each suite is the root of its own chain.
    NX_INVOCATION_ROOT_PID: String(process.pid),
    // Plain progress lines, no colours: output is matched by the tests.
    CI: 'true',
    FORCE_COLOR: '0',
  };
}

const exitCodeOf = (result: { exitCode?: number; signal?: NodeJS.Signals }) =>
  result.exitCode ?? (result.signal ? 128 + constants.signals[result.signal] : -1);

const runNx = (env: NodeJS.ProcessEnv, args: string[], options: { detached?: boolean } = {}) =>
  execa(process.execPath, [NX_BIN, ...args, '--outputStyle=stream-without-prefixes'], {
    cwd: workspaceRoot,
    env,
    extendEnv: false,
    reject: false,
    all: true,
    stdin: 'ignore',
    timeout: 10 * 60_000,
    ...options,
  });

/** Runs `nx <args>` in the workspace, the way a user does, and never throws on a non-zero exit. */
export async function nx(env: NodeJS.ProcessEnv, ...args: string[]): Promise<CliResult> {
  const result = await runNx(env, args);
  return { exitCode: exitCodeOf(result), output: result.all ?? '' };
}

/** An `nx` command still running (startNx). */
export interface RunningNx {
  /** What it printed so far, stdout and stderr interleaved. */
  output(): string;
  /** Resolves once its output matches `pattern`; rejects if it exits first or `timeoutMs` passes. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /**
   * Sends `signal` to its whole process group, as Ctrl-C in a terminal does.
   */
  interrupt(signal?: NodeJS.Signals): void;
  /** Its end, as nx() reports it. */
  exited: Promise<CliResult>;
}

/** Starts `nx <args>` in its own process group and returns at once, to watch it and interrupt it. */
export function startNx(env: NodeJS.ProcessEnv, ...args: string[]): RunningNx {
  const child = runNx(env, args, { detached: true });
  let output = '';
  child.all?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let done = false;
  const exited = child.then((result) => {
    done = true;
    return { exitCode: exitCodeOf(result), output: result.all ?? output };
  });
  return {
    output: () => output,
    async waitForOutput(pattern, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(output)) {
        if (done) throw new Error(`nx ${args.join(' ')} exited before printing ${pattern}:\n${output}`);
        if (Date.now() > deadline) throw new Error(`nx ${args.join(' ')} printed no ${pattern} within ${timeoutMs} ms:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    interrupt(signal = 'SIGINT') {
      if (child.pid === undefined) throw new Error(`nx ${args.join(' ')} has no process to interrupt`);
      try {
        process.kill(-child.pid, signal);
      } catch (error) {
        // Already gone (it exited by itself): nothing to interrupt, and its own failure is what the test reports.
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    },
    exited,
  };
}

/** A line that says why a command failed (not a container's own log line, which up prints after a failed start). */
const SAYS_WHY = /did not become|not healthy|timed out|refus|cannot|in use|fail|✗|error/i;
const CONTAINER_LOG = /^\s*(\d+:[CSMX] |\d{4}-\d\d-\d\d[ T]|\{")/;

/**
 * What to assert on for a command that must succeed: its exit code and, only
 * when it failed, the lines that say why (wherever they are in a long run)
 * and its output's tail, so a failure shows why in the test report.
 */
export function outcome(result: CliResult, tailChars = 4000): { exitCode: number; output: string } {
  if (result.exitCode === 0) return { exitCode: 0, output: '' };
  const why = result.output.split('\n').filter((line) => SAYS_WHY.test(line) && !CONTAINER_LOG.test(line));
  return { exitCode: result.exitCode, output: `${why.length ? `${why.slice(0, 30).join('\n')}\n…\n` : ''}${result.output.slice(-tailChars)}` };
}

/** outcome() of a success. */
export const SUCCEEDED = { exitCode: 0, output: '' } as const;

/** The one JSON line a `--json` target printed (Nx adds its own lines around it). */
export function jsonLine<T>(output: string): T {
  const line = output.split('\n').find((l) => l.trimStart().startsWith('{'));
  if (!line) throw new Error(`no JSON line in output:\n${output}`);
  return JSON.parse(line) as T;
}

/** Retries `probe` until it returns true; the error says what was awaited and the last result. */
export async function waitFor(what: string, probe: () => Promise<boolean | string>, timeoutMs = 60_000, everyMs = 500) {
  const deadline = Date.now() + timeoutMs;
  let last: boolean | string = false;
  while (Date.now() < deadline) {
    last = await probe();
    if (last === true) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${String(last)})`);
}
