import { mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { StackError } from '../core/errors';

/**
 * Runs `fn` holding a lock shared by every process on this machine (a
 * directory: mkdir is atomic). Parallel `up` tasks of one stack create its
 * network under it: the engine lets two networks share a name, and two
 * racing creations would leave the stack split across them. A lock left by
 * a killed process is taken over once older than `staleMs`.
 */
export async function withHostLock<T>(path: string, fn: () => Promise<T>, options: { staleMs?: number; timeoutMs?: number; pollMs?: number } = {}): Promise<T> {
  const staleMs = options.staleMs ?? 30_000;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  for (;;) {
    try {
      mkdirSync(path);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let age: number | undefined;
      try {
        age = Date.now() - statSync(path).mtimeMs;
      } catch {
        continue; // released meanwhile
      }
      if (age > staleMs) rmSync(path, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new StackError(`${path} is held by another command for too long; if none is running, remove it and run the command again.`);
      else await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 25));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(path, { recursive: true, force: true });
  }
}
