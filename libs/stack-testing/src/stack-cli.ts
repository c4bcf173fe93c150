import { execa } from 'execa';
import { resolve } from 'node:path';

/** The workspace root (this file is libs/stack-testing/src/stack-cli.ts). */
export const workspaceRoot = resolve(__dirname, '../../..');

export interface CliResult {
  exitCode: number;
  /** stdout and stderr interleaved, as a user would see them. */
  output: string;
}

/**
 * The environment of a throwaway stack: its own name and a port offset, so
 * integration tests never touch a developer's running `paws360` stack.
 */
export function testStackEnv(stack: string, portOffset: number): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PAWS360_STACK: stack,
    PAWS360_PORT_OFFSET: String(portOffset),
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    // Plain progress lines, no colours: output is matched by the tests.
    CI: 'true',
    FORCE_COLOR: '0',
  };
}

/** Runs `nx <args>` in the workspace, the way a user does, and never throws on a non-zero exit. */
export async function nx(env: NodeJS.ProcessEnv, ...args: string[]): Promise<CliResult> {
  const result = await execa('npx', ['nx', ...args, '--outputStyle=stream-without-prefixes'], {
    cwd: workspaceRoot,
    env,
    extendEnv: false,
    reject: false,
    all: true,
    stdin: 'ignore',
    timeout: 10 * 60_000,
  });
  return { exitCode: result.exitCode ?? -1, output: result.all ?? '' };
}

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
