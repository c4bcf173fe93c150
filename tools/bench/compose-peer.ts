/**
 * The compose peer of the data-tier benchmark: the same services, on the
 * same images the plugin built, started by docker compose with
 * `depends_on: condition: service_healthy` and per-container health checks
 * that ask what the plugin's probes ask. Generated at bench time from the
 * service.json files, so it follows every change to them.
 *
 * What each member gets mirrors tools/nx-stack/src/lifecycle/member-spec.ts:
 * the service's env and secrets, its identity and topology (PAWS360_*, the
 * contract in infrastructure/<service>/README.md), its host name as network
 * alias, its ports on 127.0.0.1 (offset), one named volume per volume, its
 * stop timeout. Not the plugin's labels: the plugin must never take these
 * containers for its own.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { stringify } from 'yaml';

interface Port {
  name: string;
  container: number;
  host: number;
}

export interface PeerService {
  name: string;
  kind: string;
  replicas: number;
  dependsOn: string[];
  ports: Port[];
  volumes: Array<{ name: string; target: string }>;
  secrets: string[];
  env: Record<string, string>;
  stopTimeoutSeconds: number;
}

/** Reads infrastructure/<name>/service.json with the schema's defaults (tools/nx-stack/src/core/service-config.ts). */
export function loadServices(workspaceRoot: string, names: string[]): PeerService[] {
  return names.map((name) => {
    const raw = JSON.parse(readFileSync(join(workspaceRoot, 'infrastructure', name, 'service.json'), 'utf8')) as Partial<PeerService>;
    return {
      name,
      kind: raw.kind ?? name,
      replicas: raw.replicas ?? 1,
      dependsOn: raw.dependsOn ?? [],
      ports: raw.ports ?? [],
      volumes: raw.volumes ?? [],
      secrets: raw.secrets ?? [],
      env: raw.env ?? {},
      stopTimeoutSeconds: raw.stopTimeoutSeconds ?? 10,
    };
  });
}

export const memberHosts = (service: PeerService) => Array.from({ length: service.replicas }, (_, i) => `${service.name}-${i + 1}`);

/**
 * The topology the plugin injects into every member of `service`: its own
 * members, and for each related service (dependsOn, plus the sentinel-kind
 * service for kind redis) its name, members and endpoints per port.
 */
export function topologyEnv(all: PeerService[], service: PeerService): Record<string, string> {
  const env: Record<string, string> = { PAWS360_MEMBERS: memberHosts(service).join(','), PAWS360_REPLICAS: String(service.replicas) };
  const related = [
    ...service.dependsOn.map((name) => all.find((s) => s.name === name)),
    ...(service.kind === 'redis' ? all.filter((s) => s.kind === 'sentinel') : []),
  ].filter((s): s is PeerService => s !== undefined);
  for (const other of related) {
    const kind = other.kind.toUpperCase();
    env[`PAWS360_${kind}_SERVICE`] = other.name;
    env[`PAWS360_${kind}_MEMBERS`] = memberHosts(other).join(',');
    for (const port of other.ports) {
      const name = port.name.toUpperCase().replace(/-/g, '_');
      env[`PAWS360_${kind}_${name}_ENDPOINTS`] = memberHosts(other).map((host) => `${host}:${port.container}`).join(',');
    }
  }
  return env;
}

/**
 * Per-container health checks (bash inside the member) that ask what the
 * plugin's probe of the kind asks, so "every container healthy" means the
 * tier is formed: etcd has a leader; a Patroni member holds the leader key
 * or streams WAL; the router's primary pool has exactly one server UP and
 * its replica pool at least one; a Redis master has every replica online, a
 * replica its link up; a Sentinel sees the master, every replica and every
 * other Sentinel, and reaches its quorum.
 */
function healthCheck(service: PeerService, all: PeerService[]): string {
  const redis = all.find((s) => s.kind === 'redis');
  switch (service.kind) {
    case 'etcd':
      return 'etcdctl --endpoints=http://127.0.0.1:2379 --command-timeout=2s endpoint health';
    case 'patroni':
      return [
        `state=$(psql -h /var/run/postgresql -d postgres -tAc "select case when pg_is_in_recovery() then coalesce((select status from pg_stat_wal_receiver), 'none') else 'primary' end")`,
        `if [ "$state" = streaming ]; then exit 0; fi`,
        `[ "$state" = primary ] && exec 3<>/dev/tcp/127.0.0.1/8008 && printf 'OPTIONS /primary HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '`,
      ].join('\n');
    case 'router':
      return [
        `exec 3<>/dev/tcp/127.0.0.1/7000 && printf 'GET /stats;csv HTTP/1.0\\r\\n\\r\\n' >&3 &&`,
        `awk -F, '$18 == "UP" && $2 != "FRONTEND" && $2 != "BACKEND" { up[$1]++ } END { exit !(up["primary"] == 1 && up["replicas"] >= 1) }' <&3`,
      ].join('\n');
    case 'redis':
      return [
        `REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli -p 6379 info replication | tr -d '\\r' |`,
        `awk -F: '$1 == "role" { role = $2 } $1 == "master_link_status" { link = $2 } $1 ~ /^slave[0-9]+$/ && $2 ~ /state=online/ { online++ }`,
        `  END { exit !((role == "master" && online == ${service.replicas - 1}) || (role == "slave" && link == "up")) }'`,
      ].join('\n');
    case 'sentinel':
      return [
        `redis-cli -p 26379 sentinel ckquorum mymaster | grep -q '^OK' &&`,
        `redis-cli -p 26379 sentinel master mymaster | paste - - |`,
        `awk '$1 == "flags" { f = $2 } $1 == "num-slaves" { n = $2 } $1 == "num-other-sentinels" { o = $2 }`,
        `  END { exit !(f == "master" && n == ${(redis?.replicas ?? 1) - 1} && o == ${service.replicas - 1}) }'`,
      ].join('\n');
    default:
      throw new Error(`compose peer: no health check for kind ${service.kind}`);
  }
}

export interface ComposePeerOptions {
  project: string;
  services: PeerService[];
  /** Service name → image tag (paws360/<service>:<hash>). */
  images: Record<string, string>;
  /** Added to every service.json host port, so the peer collides with no stack. */
  portOffset: number;
  /** Health-check interval in seconds. */
  healthIntervalSeconds: number;
}

function serviceNamed(services: PeerService[], name: string): PeerService {
  const found = services.find((s) => s.name === name);
  if (!found) throw new Error(`compose peer: ${name} is a dependency but not one of the services (${services.map((s) => s.name).join(', ')})`);
  return found;
}

/** Compose escapes: a literal $ in the file is $$. */
const literal = (text: string) => text.replace(/\$/g, '$$$$');

export function composeFile(options: ComposePeerOptions): string {
  const { services, images, portOffset, healthIntervalSeconds } = options;
  const secrets = Object.fromEntries(
    [...new Set(services.flatMap((s) => s.secrets))].map((name) => [name, randomBytes(18).toString('base64url')]),
  );
  const composeServices: Record<string, unknown> = {};
  const volumes: Record<string, object> = {};
  for (const service of services) {
    const test = literal(healthCheck(service, services));
    memberHosts(service).forEach((host, index) => {
      const member = index + 1;
      for (const volume of service.volumes) volumes[`${host}-${volume.name}`] = {};
      composeServices[host] = {
        image: images[service.name],
        hostname: host,
        environment: {
          ...service.env,
          ...Object.fromEntries(service.secrets.map((name) => [name, secrets[name]])),
          PAWS360_STACK: options.project,
          PAWS360_SERVICE: service.name,
          PAWS360_MEMBER: String(member),
          ...topologyEnv(services, service),
        },
        labels: { 'io.paws360.bench': 'compose-peer' },
        ports: service.ports.map((port) => `127.0.0.1:${port.host + portOffset + index}:${port.container}`),
        volumes: service.volumes.map((volume) => `${host}-${volume.name}:${volume.target}`),
        stop_grace_period: `${service.stopTimeoutSeconds}s`,
        healthcheck: {
          test: ['CMD', 'bash', '-c', test],
          interval: `${healthIntervalSeconds}s`,
          timeout: '3s',
          retries: 3,
          // Failures while the tier forms do not count against it.
          start_period: '120s',
        },
        depends_on: Object.fromEntries(
          service.dependsOn.flatMap((name) => memberHosts(serviceNamed(services, name))).map((dep) => [dep, { condition: 'service_healthy' }]),
        ),
      };
    });
  }
  return stringify({ version: '2.4', services: composeServices, volumes }, { lineWidth: 0 });
}

/** docker compose v2 (has up --wait) or docker-compose v1; undefined when neither is installed. */
export async function findCompose(): Promise<{ command: string; args: string[]; version: string; wait: boolean } | undefined> {
  const v2 = await execa('docker', ['compose', 'version', '--short'], { reject: false });
  if (v2.exitCode === 0) return { command: 'docker', args: ['compose'], version: `docker compose ${v2.stdout.trim()}`, wait: true };
  const v1 = await execa('docker-compose', ['version', '--short'], { reject: false });
  if (v1.exitCode === 0) return { command: 'docker-compose', args: [], version: `docker-compose ${v1.stdout.trim()}`, wait: false };
  return undefined;
}

export interface ComposePeerRun {
  /** Wall time from `up` to every container healthy. */
  seconds: number;
  startedAt: number;
  containers: Array<{ name: string; member: string; kind: string; replicas: number }>;
}

/**
 * Writes the compose file, removes what an earlier run left, and times
 * `up` from fresh volumes until every container is healthy (v2: `up -d
 * --wait`; v1 has no --wait: `up -d`, which already waits for the
 * dependencies' health before starting dependents, then a 100 ms poll until
 * the last ones are healthy too). Leaves the peer running: call down().
 */
export class ComposePeer {
  private readonly file: string;

  constructor(
    private readonly compose: NonNullable<Awaited<ReturnType<typeof findCompose>>>,
    private readonly options: ComposePeerOptions,
    outDir: string,
  ) {
    mkdirSync(outDir, { recursive: true });
    this.file = join(outDir, `${options.project}.compose.yml`);
  }

  private run(args: string[], timeoutMs = 5 * 60_000) {
    const { command, args: prefix } = this.compose;
    return execa(command, [...prefix, '-p', this.options.project, '-f', this.file, ...args], { reject: false, all: true, timeout: timeoutMs });
  }

  async down(): Promise<void> {
    const result = await this.run(['down', '-v', '--remove-orphans']);
    if (result.exitCode !== 0) throw new Error(`compose peer: down failed:\n${result.all}`);
  }

  async up(): Promise<ComposePeerRun> {
    writeFileSync(this.file, composeFile(this.options));
    await this.down();
    const containers = this.options.services.flatMap((service) =>
      memberHosts(service).map((member) => ({ member, kind: service.kind, replicas: service.replicas })),
    );
    const startedAt = Date.now();
    const up = await this.run(['up', '-d', ...(this.compose.wait ? ['--wait'] : [])]);
    if (up.exitCode !== 0) throw new Error(`compose peer: up failed (exit ${up.exitCode}):\n${(up.all ?? '').slice(-3000)}`);
    const deadline = startedAt + 5 * 60_000;
    for (;;) {
      const ps = await execa(
        'docker',
        ['ps', '-a', '--filter', `label=com.docker.compose.project=${this.options.project}`, '--format', '{{.Label "com.docker.compose.service"}} {{.Names}} {{.Status}}'],
        { reject: false },
      );
      const rows = (ps.stdout ?? '').split('\n').filter(Boolean).map((line) => line.split(' '));
      const healthy = rows.filter((row) => row.join(' ').includes('(healthy)'));
      if (rows.length === containers.length && healthy.length === rows.length) {
        const seconds = (Date.now() - startedAt) / 1000;
        const names = new Map(rows.map(([service, name]) => [service, name]));
        return { seconds, startedAt, containers: containers.map((c) => ({ ...c, name: names.get(c.member) ?? c.member })) };
      }
      if (Date.now() > deadline) throw new Error(`compose peer: not healthy after 5 minutes:\n${rows.map((r) => r.join(' ')).join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
