/**
 * The log view's rows of `nx run stack:bench` (section "logs"): the host's
 * log index (.paws360/logs, SQLite) filled with 100,000 lines across the
 * 14 containers of a stack, in the formats they really write, then searched
 * the ways `nx run stack:logs` does (SC-012: under 1 s; goal 0.3 s). No
 * stack needed: it measures the index and the search, not the engine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogIndex, logParserOf, type LogQuery, type LogSource, type ServiceKind } from '@paws360/nx-stack/api';
import { median, type Row } from './rows';

export const LINES = 100_000;
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

/** The stack's 14 containers and a line in each one's own format (n: the line's number, t: its time). */
const MEMBERS: Array<{ service: string; kind: ServiceKind; replicas: number; line: (n: number, t: Date) => string }> = [
  { service: 'etcd', kind: 'etcd', replicas: 3, line: (n, t) => `{"level":"${n % 97 === 0 ? 'warn' : 'info'}","ts":"${t.toISOString()}","caller":"mvcc/index.go:189","msg":"compact tree index","revision":${n}}` },
  {
    service: 'patroni',
    kind: 'patroni',
    replicas: 3,
    line: (n, t) =>
      n % 3 === 0
        ? `${t.toISOString().slice(0, 23).replace('T', ' ')} UTC [${40 + (n % 9)}] LOG:  checkpoint complete: wrote ${n % 500} buffers (0.3%); write=4.016 s, sync=0.003 s`
        : `${t.toISOString().slice(0, 19).replace('T', ' ')},${t.toISOString().slice(20, 23)} INFO: no action. I am (patroni-1), the leader with the lock`,
  },
  { service: 'router', kind: 'router', replicas: 1, line: (n) => (n % 211 === 0 ? `[WARNING]  (14) : Server replicas/patroni-${1 + (n % 3)} is DOWN, reason: Layer7 wrong status` : `172.18.0.1:${40000 + (n % 20000)} [29/Nov/2026:02:05:51.418] primary primary/patroni-1 1/0/1790 1014 -- 1/1/0/0/0 0/0`) },
  { service: 'redis', kind: 'redis', replicas: 3, line: (n) => `7:M 29 Nov 2026 01:50:26.514 ${n % 50 === 0 ? '#' : '*'} Background saving terminated with success (${n})` },
  { service: 'sentinel', kind: 'sentinel', replicas: 3, line: (n) => `7:X 29 Nov 2026 01:51:09.777 * +slave slave redis-${1 + (n % 3)}:6379 redis-3 6379 @ mymaster redis-1 6379` },
  {
    service: 'api',
    kind: 'http',
    replicas: 1,
    line: (n, t) => `{"level":${n % 113 === 0 ? 50 : 30},"time":${t.getTime()},"msg":"request completed","trace_id":"${n === 4241 ? TRACE : n.toString(16).padStart(32, '0')}","url":"/api/students?page=${n % 40}","responseTime":${n % 17}}`,
  },
];

/** 100,000 lines spread over the 14 containers and the last hour, with engine timestamps, as `docker logs --timestamps` gives them. */
function syntheticLogs(now: number): Array<{ source: LogSource; text: string }> {
  const sources = MEMBERS.flatMap((m) => Array.from({ length: m.replicas }, (_, i) => ({ m, member: i + 1 })));
  const texts = sources.map(() => [] as string[]);
  for (let n = 0; n < LINES; n++) {
    const which = n % sources.length;
    const t = new Date(now - 3_600_000 + Math.floor((n * 3_600_000) / LINES));
    const stamp = `${t.toISOString().slice(0, 23)}${String(n % 1_000_000).padStart(6, '0')}Z`;
    texts[which].push(`${stamp} ${sources[which].m.line(n, t)}`);
  }
  return sources.map(({ m, member }, i) => ({
    source: { containerId: `bench-${m.service}-${member}`, container: `paws360-bench-${m.service}-${member}`, service: m.service, member, parse: logParserOf(m.kind) },
    text: texts[i].join('\n') + '\n',
  }));
}

export async function logSearchRows(runs: number): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'paws360-logs-bench-'));
  try {
    const now = Date.now();
    const logs = syntheticLogs(now);
    const builds: number[] = [];
    const build = (run: number) => {
      const started = performance.now();
      const built = LogIndex.open(join(dir, `run-${run}.db`));
      for (const { source, text } of logs) built.ingest(source, text);
      builds.push((performance.now() - started) / 1000);
      return built;
    };
    let index = build(0);
    for (let run = 1; run < runs; run++) {
      index.close();
      index = build(run);
    }
    const held = index.stats();
    if (held.lines !== LINES) throw new Error(`the index holds ${held.lines} lines, expected ${LINES}`);
    const queries: Array<[string, LogQuery, number]> = [
      ['--grep over every line (regex)', { grep: 'checkpoint complete: wrote 4\\d\\d|is DOWN' }, -1],
      ['--trace-id (one request across the stack)', { traceId: TRACE }, 1],
      ['--service=api --level=warn', { services: ['api'], level: 'warn' }, -1],
      ['--since=10m (last 1,000 lines, the default limit)', { sinceMs: now - 600_000, limit: 1000 }, -1],
      ['no filter (last 1,000 of all 100,000 lines)', { limit: 1000 }, -1],
    ];
    const rows: Row[] = [
      {
        measurement: `log index: first sync of ${LINES.toLocaleString('en')} lines from 14 containers (parse + insert)`,
        pluginSeconds: median(builds),
        runs,
        note: `${(held.bytes / 1024 ** 2).toFixed(1)} MiB on disk`,
      },
    ];
    for (const [name, query, expected] of queries) {
      const times: number[] = [];
      const cpu: number[] = [];
      let total = 0;
      for (let run = 0; run < runs; run++) {
        const started = performance.now();
        const before = process.cpuUsage();
        total = index.search(query).total;
        const used = process.cpuUsage(before);
        times.push((performance.now() - started) / 1000);
        cpu.push((used.user + used.system) / 1e6);
      }
      if (expected >= 0 && total !== expected) throw new Error(`${name}: ${total} lines found, expected ${expected}`);
      rows.push({ measurement: `log search over ${LINES.toLocaleString('en')} lines: ${name}`, pluginSeconds: median(times), goalSeconds: 0.3, goalText: '≤ 0.3 s (SC-012: < 1 s)', runs, note: `${total} matches, ${Math.round(median(cpu) * 1000)} ms CPU` });
    }
    index.close();
    for (const row of rows) process.stderr.write(`bench: ${row.measurement}: ${row.pluginSeconds?.toFixed(3)}s\n`);
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
