#!/usr/bin/env node
// Adds up every JUnit report under dist/test-results and prints one plain
// line, "tests: N passed, N failed, N skipped", the closing line CI reads.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = process.argv[2] ?? 'dist/test-results';
const files = [];
const walk = (dir) => {
  let entries = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) walk(path);
    else if (entry.endsWith('.xml')) files.push(path);
  }
};
walk(root);

let tests = 0;
let failed = 0;
let skipped = 0;
for (const file of files) {
  const xml = readFileSync(file, 'utf8');
  // The <testsuites> root carries the totals of the whole file.
  const head = /<testsuites\b[^>]*>/.exec(xml)?.[0] ?? '';
  const attr = (name) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(head)?.[1] ?? 0);
  tests += attr('tests');
  failed += attr('failures') + attr('errors');
  skipped += attr('skipped');
}
const passed = tests - failed - skipped;
console.log(`JUnit reports: ${files.length} (${files.map((f) => f.slice(root.length + 1)).join(', ') || 'none'})`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(files.length === 0 || tests === 0 ? 1 : 0);
