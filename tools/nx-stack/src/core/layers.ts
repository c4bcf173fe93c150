import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * The plugin's layers, lowest first. A module may import its own layer and
 * the ones below it, never one above: core → runtime → clients → kinds →
 * lifecycle → simulation and observe (logs, stats, metrics) → executors (and the plugin's graph code, the
 * pipeline report and the test helpers at the top). Specs are exempt.
 */
export const LAYERS = [
  ['core'],
  ['runtime'],
  ['clients'],
  ['kinds'],
  ['lifecycle'],
  ['simulation', 'observe'],
  ['executors', 'plugin', 'pipeline', 'testing'],
  // The package entry (index.ts) and anything else at the top of src/.
  ['.'],
] as const;

export interface LayerViolation {
  file: string;
  line: number;
  specifier: string;
  from: string;
  to: string;
}

/** The top folder of a path relative to src/ ('.' for files directly in src/). */
const folderOf = (path: string) => (path.includes(sep) || path.includes('/') ? path.split(/[\\/]/)[0] : '.');

function layerIndex(folder: string): number {
  const index = LAYERS.findIndex((layer) => (layer as readonly string[]).includes(folder));
  // An unknown folder is placed nowhere: every import from or into it is reported.
  return index;
}

const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"](\.[^'"]*)['"]|(?:require|import)\(\s*['"](\.[^'"]*)['"]\s*\)/g;

/** Every relative import in src/ that points to a higher layer than its file's (or out of a known folder). */
export function layerViolations(srcDir: string): LayerViolation[] {
  const root = resolve(srcDir);
  const violations: LayerViolation[] = [];
  for (const file of walk(root)) {
    const rel = relative(root, file);
    const from = folderOf(rel);
    // Specs are test code, not part of a layer: they may set up with any layer's code.
    if (rel.endsWith('.spec.ts')) continue;
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2];
      const target = relative(root, resolve(dirname(file), specifier));
      if (target.startsWith('..')) continue;
      const to = folderOf(target);
      if (to === from) continue;
      const fromIndex = layerIndex(from);
      const toIndex = layerIndex(to);
      if (fromIndex < 0 || toIndex < 0 || toIndex > fromIndex) {
        const line = text.slice(0, match.index + match[0].indexOf(specifier)).split('\n').length;
        violations.push({ file: rel, line, specifier, from, to });
      }
    }
  }
  return violations;
}

export const describeViolation = (v: LayerViolation) =>
  `${v.file}:${v.line} imports '${v.specifier}': ${v.from} must not depend on ${v.to} (layers, lowest first: ${LAYERS.map((l) => l.join('|')).join(' → ')})`;
