import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * docs/troubleshooting.md (TC-029): at least 12 cases, each with its
 * symptom, the command that diagnoses it, its cause and fix, and the test or
 * script of this repository that reproduces it, as a line
 * `Reproduced by: <path> › <test name>`: the file must exist and the test
 * name must appear in it, so a renamed or deleted test breaks this spec.
 */
const root = resolve(__dirname, '../../../..');
const doc = readFileSync(join(root, 'docs', 'troubleshooting.md'), 'utf8');

interface Case {
  title: string;
  body: string;
}

/** Every `## ` section but the closing "Notes" (tips that no test reproduces). */
function cases(): Case[] {
  return doc
    .split(/^## /m)
    .slice(1)
    .map((section) => ({ title: section.split('\n')[0].trim(), body: section }))
    .filter((c) => c.title !== 'Notes');
}

function reproducers(body: string): Array<{ path: string; name: string }> {
  return [...body.matchAll(/^Reproduced by: (\S+) › (.+)$/gm)].map((m) => ({ path: m[1], name: m[2].trim() }));
}

/** What is wrong with a case's reproducers: none named, a file that does not exist, a test name not in its file. */
function reproducerProblems({ title, body }: Case): string[] {
  const found = reproducers(body);
  if (found.length === 0) return [`${title}: no "Reproduced by: <path> › <test name>" line`];
  return found.flatMap(({ path, name }) => {
    const file = join(root, path);
    if (!existsSync(file)) return [`${title}: ${path} does not exist`];
    return readFileSync(file, 'utf8').includes(name) ? [] : [`${title}: "${name}" does not appear in ${path}`];
  });
}

describe('docs/troubleshooting.md', () => {
  it('has at least 12 cases', () => {
    expect(cases().length).toBeGreaterThanOrEqual(12);
  });

  it('every case has a symptom, a diagnosis, a cause and a fix', () => {
    const missing = cases().flatMap((c) =>
      ['**Symptom:**', '**Diagnosis:**', '**Cause:**', '**Fix:**'].filter((label) => !c.body.includes(label)).map((label) => `${c.title}: no ${label}`),
    );
    expect(missing).toEqual([]);
  });

  it('every case names a reproducer that exists: the file, and the test name in it', () => {
    expect(cases().flatMap(reproducerProblems)).toEqual([]);
  });

  it('reports a case without a reproducer, a file that does not exist and a name its file does not contain', () => {
    expect(reproducerProblems({ title: 'a', body: 'no line here\n' })).toEqual(['a: no "Reproduced by: <path> › <test name>" line']);
    expect(reproducerProblems({ title: 'b', body: 'Reproduced by: docs/no-such-file.md › x\n' })).toEqual(['b: docs/no-such-file.md does not exist']);
    expect(reproducerProblems({ title: 'c', body: 'Reproduced by: README.md › a test named nowhere\n' })).toEqual(['c: "a test named nowhere" does not appear in README.md']);
    expect(reproducerProblems({ title: 'd', body: 'Reproduced by: README.md › PAWS360 stack\n' })).toEqual([]);
  });
});
