import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StackError } from '../core/errors';
import { withHostLock } from './host-lock';

describe('withHostLock', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nx-stack-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs holders one at a time, in any interleaving, and releases the lock after each', async () => {
    const lock = join(dir, '.paws360', 'x.lock');
    let inside = 0;
    let most = 0;
    const holder = () =>
      withHostLock(lock, async () => {
        inside += 1;
        most = Math.max(most, inside);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inside -= 1;
      }, { pollMs: 1 });
    await Promise.all(Array.from({ length: 6 }, holder));
    expect(most).toBe(1);
    expect(existsSync(lock)).toBe(false);
  });

  it('releases the lock when the holder throws', async () => {
    const lock = join(dir, 'y.lock');
    await expect(withHostLock(lock, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(existsSync(lock)).toBe(false);
  });

  it('takes over a stale lock (its holder was killed); a fresh one held too long is a StackError naming it', async () => {
    const lock = join(dir, 'z.lock');
    mkdirSync(lock);
    const old = (Date.now() - 60_000) / 1000;
    utimesSync(lock, old, old);
    expect(await withHostLock(lock, async () => 'ran', { staleMs: 30_000 })).toBe('ran');
    mkdirSync(lock);
    await expect(withHostLock(lock, async () => 'never', { timeoutMs: 30, pollMs: 5 })).rejects.toThrow(StackError);
    await expect(withHostLock(lock, async () => 'never', { timeoutMs: 30, pollMs: 5 })).rejects.toThrow(/z\.lock is held by another command/);
  });
});
