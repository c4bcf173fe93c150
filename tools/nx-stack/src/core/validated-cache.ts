import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * What validating a file produced, kept on disk by the file's exact text and
 * the validator's identity (the plugin's build and zod's version): the same
 * bytes checked by the same code give the same result, so a hit needs no
 * validator. That is what keeps zod (about 80 ms to load) out of every nx
 * command, whose graph creation reads each service.json. The pattern is Nx's
 * own plugins' (@nx/jest, @nx/next: a hash file in the workspace data folder).
 *
 * Only successes are stored: a file that fails is validated, and fails, every
 * time. Any edit changes the key. The file is a cache: unreadable or corrupt
 * means empty, and a failed write only costs a later miss.
 */
export class ValidatedCache<T> {
  private entries: Map<string, T> | undefined;

  constructor(
    readonly file: string,
    private readonly identity: string,
    private readonly maxEntries = 256,
  ) {}

  /** A copy of what was stored for this exact text, if anything: callers may change what they get. */
  get(text: string): T | undefined {
    const value = this.load().get(this.key(text));
    return value === undefined ? undefined : structuredClone(value);
  }

  set(text: string, value: T): void {
    const entries = this.load();
    const key = this.key(text);
    entries.delete(key); // re-inserted last: the oldest entries are the ones dropped
    entries.set(key, structuredClone(value));
    for (const oldest of entries.keys()) {
      if (entries.size <= this.maxEntries) break;
      entries.delete(oldest);
    }
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      // Written aside, then renamed: a reader (another nx process) never sees half a file.
      const next = `${this.file}.${process.pid}.tmp`;
      writeFileSync(next, JSON.stringify({ entries: [...entries] }));
      renameSync(next, this.file);
    } catch {
      // A read-only or full disk: the next process validates again.
    }
  }

  private key(text: string): string {
    return createHash('sha256').update(this.identity).update('\0').update(text).digest('hex');
  }

  private load(): Map<string, T> {
    if (this.entries) return this.entries;
    this.entries = new Map();
    try {
      const stored = JSON.parse(readFileSync(this.file, 'utf8')) as { entries?: unknown };
      if (Array.isArray(stored.entries)) {
        for (const entry of stored.entries) {
          if (Array.isArray(entry) && entry.length === 2 && typeof entry[0] === 'string') this.entries.set(entry[0], entry[1] as T);
        }
      }
    } catch {
      // Missing or corrupt: start empty.
    }
    return this.entries;
  }
}
