import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidatedCache } from './validated-cache';

describe('ValidatedCache (on a real temp folder)', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nx-stack-validated-'));
    file = join(dir, 'workspace-data', 'cache.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a result stored by one process is found by the next, for the exact same text only', () => {
    new ValidatedCache<{ n: number }>(file, 'build-1').set('{"a":1}', { n: 1 });
    const next = new ValidatedCache<{ n: number }>(file, 'build-1');
    expect(next.get('{"a":1}')).toEqual({ n: 1 });
    expect(next.get('{"a":1} ')).toBeUndefined();
    expect(next.get('{"a":2}')).toBeUndefined();
  });

  it('another validator identity (a rebuilt plugin, another zod) finds nothing', () => {
    new ValidatedCache(file, 'build-1').set('text', { n: 1 });
    expect(new ValidatedCache(file, 'build-2').get('text')).toBeUndefined();
  });

  it('hands out copies: changing what it returned or stored changes nothing cached', () => {
    const cache = new ValidatedCache<{ list: string[] }>(file, 'b');
    const stored = { list: ['a'] };
    cache.set('t', stored);
    stored.list.push('changed after set');
    const got = cache.get('t')!;
    got.list.push('changed after get');
    expect(cache.get('t')).toEqual({ list: ['a'] });
    expect(new ValidatedCache(file, 'b').get('t')).toEqual({ list: ['a'] });
  });

  it('keeps the most recent entries up to its bound', () => {
    const cache = new ValidatedCache<number>(file, 'b', 3);
    for (const n of [1, 2, 3, 4]) cache.set(`t${n}`, n);
    cache.set('t2', 2); // used again: now the newest
    cache.set('t5', 5);
    const next = new ValidatedCache<number>(file, 'b', 3);
    expect(['t1', 't2', 't3', 't4', 't5'].map((t) => next.get(t) ?? null)).toEqual([null, 2, null, 4, 5]);
    expect((JSON.parse(readFileSync(file, 'utf8')) as { entries: unknown[] }).entries).toHaveLength(3);
  });

  it('a corrupt or foreign file is an empty cache, and the next write replaces it', () => {
    new ValidatedCache(file, 'b').set('t', 1);
    writeFileSync(file, '{"entries": [');
    const cache = new ValidatedCache<number>(file, 'b');
    expect(cache.get('t')).toBeUndefined();
    cache.set('t', 2);
    expect(new ValidatedCache(file, 'b').get('t')).toBe(2);
    writeFileSync(file, JSON.stringify({ entries: [['x', 1], 'not an entry', [3, 4]] }));
    expect(new ValidatedCache(file, 'b').get('t')).toBeUndefined();
  });

  it('a folder it cannot write to costs only the cache', () => {
    writeFileSync(join(dir, 'a-file'), '');
    const cache = new ValidatedCache<number>(join(dir, 'a-file', 'cache.json'), 'b');
    expect(() => cache.set('t', 1)).not.toThrow();
    expect(cache.get('t')).toBe(1); // this process still has it
  });
});
