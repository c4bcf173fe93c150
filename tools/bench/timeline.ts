/**
 * Per-member start-up timeline of the data tier, read from the engine: when
 * each container was created and started (docker inspect) and when it was
 * ready, from the first log line (docker logs -t) that says so for its kind.
 * The same markers serve both peers (the plugin's stack and the compose
 * peer), so their timelines compare member by member.
 */
import { execa } from 'execa';

/**
 * What marks a member of a kind ready: the first moment one of these log
 * lines has appeared `count` times (count from the member's own service's
 * replica count where readiness takes one event per peer).
 */
interface Marker {
  lines: Array<{ match: RegExp; count?: (replicas: number) => number }>;
  what: string;
}

const MARKERS: Record<string, Marker> = {
  etcd: { lines: [{ match: /published local member to cluster through raft/ }], what: 'joined the cluster (leader known)' },
  // The leader: PostgreSQL accepts writes after bootstrap; a replica: its WAL receiver streams.
  patroni: { lines: [{ match: /INFO: initialized a new cluster/ }, { match: /started streaming WAL from primary/ }], what: 'leader bootstrapped / replica streaming' },
  // The master: every replica synced; a replica: its own sync done.
  redis: {
    lines: [{ match: /Synchronization with replica \S+ succeeded/, count: (replicas) => replicas - 1 }, { match: /MASTER <-> REPLICA sync: Finished with success/ }],
    what: 'master: every replica synced / replica: synced',
  },
  sentinel: { lines: [{ match: /\+sentinel sentinel /, count: (replicas) => replicas - 1 }], what: 'found every other Sentinel' },
  router: { lines: [{ match: /Server (primary|replicas)\/\S+ is DOWN/ }], what: 'first health checks sorted the servers' },
};

export interface MemberTimeline {
  /** The member's host name (etcd-1), the same in both peers. */
  member: string;
  container: string;
  kind: string;
  /** Seconds since t0. */
  created: number;
  started: number;
  ready?: number;
  readyWhat: string;
}

const seconds = (iso: string, t0: number) => (Date.parse(iso) - t0) / 1000;

/** Timeline of the given containers, seconds relative to t0 (ms since epoch, e.g. when the command started). */
export async function timeline(
  containers: Array<{ name: string; member: string; kind: string; replicas: number }>,
  t0: number,
): Promise<MemberTimeline[]> {
  return Promise.all(
    containers.map(async ({ name, member, kind, replicas }) => {
      const inspect = await execa('docker', ['inspect', '-f', '{{.Created}} {{.State.StartedAt}}', name], { reject: false });
      const [created, started] = (inspect.stdout ?? '').trim().split(' ');
      const logs = await execa('docker', ['logs', '-t', name], { reject: false, all: true });
      const marker = MARKERS[kind];
      // docker logs -t: the first word of each line is the engine's RFC 3339
      // timestamp (stdout and stderr arrive interleaved, hence the sort).
      const lines = (logs.all ?? '').split('\n').map((line) => ({ at: seconds(line.split(' ')[0], t0), line }));
      const times = (marker?.lines ?? []).flatMap(({ match, count }) => {
        const hits = lines.filter(({ at, line }) => !Number.isNaN(at) && match.test(line)).map(({ at }) => at).sort((a, b) => a - b);
        const hit = hits[(count?.(replicas) ?? 1) - 1];
        return hit === undefined ? [] : [hit];
      });
      const ready = times.length ? Math.min(...times) : undefined;
      return { member, container: name, kind, created: seconds(created, t0), started: seconds(started, t0), ready, readyWhat: marker?.what ?? '' };
    }),
  );
}

/** A markdown table of timelines side by side: one row per member, one column group per peer. */
export function renderTimelines(peers: Record<string, MemberTimeline[]>): string {
  const names = Object.keys(peers);
  const fmt = (n: number | undefined) => (n === undefined ? '–' : n.toFixed(1));
  const rows = new Map<string, string[]>();
  for (const [index, name] of names.entries()) {
    for (const t of peers[name]) {
      const key = t.member;
      const row = rows.get(key) ?? Array(names.length * 3).fill('–');
      row.splice(index * 3, 3, fmt(t.created), fmt(t.started), fmt(t.ready));
      rows.set(key, row);
    }
  }
  const header = `| member | ${names.map((n) => `${n}: created | started | ready`).join(' | ')} |`;
  const rule = `|---|${names.map(() => '---:|---:|---:').join('|')}|`;
  const body = [...rows.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, cells]) => `| ${key} | ${cells.join(' | ')} |`);
  const readiness = [...new Set(Object.values(peers).flat().map((t) => `${t.kind}: ${t.readyWhat}`))].sort().join('; ');
  return [header, rule, ...body, '', `seconds from the start of the command; ready = ${readiness}`].join('\n');
}
