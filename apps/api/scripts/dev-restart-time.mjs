// Measures `api:dev`'s save → new response: rewrites APP_VERSION in
// apps/api/src/version.ts (as an editor's save does), polls /actuator/info
// every 5 ms until the new version answers, and puts the file back.
// Run it while `npx nx run api:dev` is up:
//   node apps/api/scripts/dev-restart-time.mjs [--url http://127.0.0.1:8081] [--saves 5]
// Prints each time and the median; --json prints one JSON line instead.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { url: { type: 'string', default: 'http://127.0.0.1:8081' }, saves: { type: 'string', default: '5' }, json: { type: 'boolean' } } });
const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'version.ts');
const original = readFileSync(file, 'utf8');
const times = [];

async function version() {
  try {
    return (await (await fetch(`${values.url}/actuator/info`)).json()).app.version;
  } catch {
    return undefined; // restarting
  }
}

const restore = () => writeFileSync(file, original);
process.on('SIGINT', () => {
  restore();
  process.exit(130);
});

try {
  if ((await version()) === undefined) throw new Error(`nothing answers ${values.url}/actuator/info: start npx nx run api:dev first`);
  for (let i = 1; i <= Number(values.saves); i++) {
    const marker = `${/APP_VERSION = '([^']+)'/.exec(original)[1]}-save${i}`;
    const started = performance.now();
    writeFileSync(file, original.replace(/APP_VERSION = '[^']+'/, `APP_VERSION = '${marker}'`));
    while ((await version()) !== marker) await new Promise((r) => setTimeout(r, 5));
    times.push(Math.round(performance.now() - started));
    await new Promise((r) => setTimeout(r, 1500)); // let it settle (Redis connects after listening)
  }
} finally {
  restore();
}
const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
if (values.json) console.log(JSON.stringify({ metric: 'api:dev save → new response', unit: 'ms', times, median }));
else console.log(`api:dev save → new response: ${times.join(', ')} ms (median ${median} ms)`);
