import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Stacks that run at the same time on one machine: a developer's stack, the
 * pipeline's staging stack, the benchmark's and each integration test's. Every
 * host port they publish must be distinct, or one of them fails with a busy
 * port (the staging router once landed on Patroni's 15432).
 */
const root = resolve(__dirname, '../../..');

interface Port {
  name: string;
  host: number;
}
interface Service {
  name: string;
  replicas: number;
  ports: Port[];
}

function services(): Service[] {
  const found: Service[] = [];
  for (const parent of ['infrastructure', 'apps']) {
    for (const name of readdirSync(join(root, parent))) {
      const file = join(root, parent, name, 'service.json');
      if (!existsSync(file)) continue;
      const json = JSON.parse(readFileSync(file, 'utf8'));
      found.push({ name, replicas: json.replicas, ports: json.ports ?? [] });
    }
  }
  return found;
}

/** Offsets the workspace uses, read from where they are set, so a new one is checked too. */
function offsets(): Array<{ stack: string; offset: number }> {
  const nxJson = JSON.parse(readFileSync(join(root, 'nx.json'), 'utf8'));
  const staging = nxJson.plugins.find((p: { plugin?: string }) => p.plugin === '@paws360/nx-stack').options.staging;
  const result = [
    { stack: 'developer (paws360)', offset: 0 },
    { stack: `staging (${staging.stack})`, offset: staging.portOffset },
  ];
  const sources = ['infrastructure', 'apps', 'config', 'tools/bench', 'tools/nx-stack/integration'].flatMap((dir) => specFiles(join(root, dir)));
  for (const file of sources) {
    const text = readFileSync(file, 'utf8');
    const constant = /const OFFSET = (\d+)/.exec(text)?.[1];
    const inline = /testStackEnv\(\w+, (\d+)\)/.exec(text)?.[1];
    // A suite that sets its env by hand (the Podman one, on another engine but the same host ports).
    const literal = /PAWS360_PORT_OFFSET: '(\d+)'/.exec(text)?.[1];
    const offset = Number(inline ?? constant ?? literal);
    if (Number.isFinite(offset) && (/testStackEnv\(/.test(text) || literal)) result.push({ stack: file.slice(root.length + 1), offset });
  }
  return result;
}

function specFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : specFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('the host port plan', () => {
  it('reads the stacks that share a machine', () => {
    const found = offsets();
    expect(found.length).toBeGreaterThanOrEqual(6);
    expect(found.map((o) => o.offset)).toEqual(expect.arrayContaining([0, 10000, 33000]));
  });

  it('no two stacks that run at once publish the same host port', () => {
    const owner = new Map<number, string>();
    const clashes: string[] = [];
    for (const { stack, offset } of offsets()) {
      for (const service of services()) {
        for (const port of service.ports) {
          for (let member = 1; member <= service.replicas; member++) {
            const host = port.host + offset + member - 1;
            const who = `${stack}: ${service.name} ${port.name} member ${member}`;
            if (owner.has(host)) clashes.push(`${host}: ${owner.get(host)} and ${who}`);
            else owner.set(host, who);
          }
        }
      }
    }
    expect(clashes).toEqual([]);
  });
});
