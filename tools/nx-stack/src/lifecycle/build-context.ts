import ignore from '@balena/dockerignore';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * Never part of an image, whatever .dockerignore says: the service's own
 * config, docs and tests. Changing a port in service.json must not rebuild.
 */
export const ALWAYS_IGNORED = ['service.json', '**/*.md', '**/*.spec.ts', '.dockerignore'];

/**
 * The files `docker build` would send for this context (honouring
 * .dockerignore), sorted so the list and its hash are deterministic.
 */
export function listContextFiles(contextDir: string): string[] {
  const ignoreFile = join(contextDir, '.dockerignore');
  const filter = ignore()
    .add(ALWAYS_IGNORED)
    .add(existsSync(ignoreFile) ? readFileSync(ignoreFile, 'utf8') : '');
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const rel = relative(contextDir, path).split(sep).join('/');
      if (filter.ignores(rel)) continue;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push(rel);
    }
  };
  walk(contextDir);
  return files.sort();
}

/** The image refs a Dockerfile builds FROM, leaving out its own stage names (and scratch). */
export function baseImages(dockerfileText: string): string[] {
  const stages = new Set<string>();
  const refs: string[] = [];
  for (const line of dockerfileText.split('\n')) {
    const match = /^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (!match) continue;
    // `scratch` is Docker's reserved empty image: there is nothing to look up.
    const own = stages.has(match[1].toLowerCase()) || match[1].toLowerCase() === 'scratch';
    if (!own && !refs.includes(match[1])) refs.push(match[1]);
    if (match[2]) stages.add(match[2].toLowerCase());
  }
  return refs;
}

/**
 * Content hash of an image's inputs: every context file (path, exec bit,
 * content), the Dockerfile's path and the ids of its base images, so a new
 * base image or any changed file gives a new tag.
 */
export function contextHash(contextDir: string, dockerfile: string, files: string[], baseImageIds: string[]): string {
  const hash = createHash('sha256');
  hash.update(`dockerfile:${dockerfile}\n`);
  for (const id of baseImageIds) hash.update(`base:${id}\n`);
  for (const file of files) {
    const path = join(contextDir, file);
    const executable = (statSync(path).mode & 0o111) !== 0;
    hash.update(`file:${file}:${executable ? 'x' : '-'}:`);
    hash.update(createHash('sha256').update(readFileSync(path)).digest('hex'));
    hash.update('\n');
  }
  return hash.digest('hex');
}
