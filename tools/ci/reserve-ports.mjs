// Prints, comma-separated, every host port the stacks of this machine may
// publish or listen on (their services' ports and the stack console's) that
// lies in the kernel's ephemeral range: the developer's and the staging
// stack, the benchmark's and every integration suite's (their offsets are
// read the way tools/ci/src/port-plan.spec.ts reads them). .ci/run hands
// the list to net.ipv4.ip_local_reserved_ports, so an outgoing connection is
// never given one of them as its local port: a stack's `up` found its ports
// "already in use" by such a connection, at random.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..');
const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);

const ports = [];
for (const parent of ['infrastructure', 'apps']) {
  for (const name of readdirSync(join(root, parent))) {
    const file = join(root, parent, name, 'service.json');
    if (!existsSync(file)) continue;
    const json = JSON.parse(readFileSync(file, 'utf8'));
    for (const port of json.ports ?? []) for (let m = 0; m < json.replicas; m++) ports.push(port.host + m);
  }
}
// Not a service's port, but published the same way (plus the offset): the stack console's, which
// the observability suite and the bench start. An outgoing connection holding it failed the suite once.
ports.push(JSON.parse(readFileSync(join(root, 'tools/nx-stack/src/executors/console/schema.json'), 'utf8')).properties.port.default);
const walk = (dir) =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? (e.name === 'node_modules' ? [] : walk(join(dir, e.name))) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []))
    : [];
const offsets = new Set([0, JSON.parse(readFileSync(join(root, 'nx.json'), 'utf8')).plugins.find((p) => p.plugin === '@paws360/nx-stack')?.options?.staging?.portOffset ?? 10000]);
for (const file of ['infrastructure', 'apps', 'config', 'tools/bench', 'tools/nx-stack/integration'].flatMap((d) => walk(join(root, d)))) {
  const text = readFileSync(file, 'utf8');
  for (const pattern of [/const OFFSET = (\d+)/, /testStackEnv\(\w+, (\d+)\)/, /PAWS360_PORT_OFFSET: '(\d+)'/, /PORT_OFFSET = (\d+)/]) {
    const found = pattern.exec(text)?.[1];
    if (found) offsets.add(Number(found));
  }
}
const reserved = new Set();
for (const offset of offsets) for (const port of ports) if (port + offset >= low && port + offset <= high) reserved.add(port + offset);
console.log([...reserved].sort((a, b) => a - b).join(','));
