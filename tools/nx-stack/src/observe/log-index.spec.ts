import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StackError } from '../core/errors';
import { parseJsonLogLine, parseRedisLogLine, type LogLineParser } from '../kinds/log-line';
import { LogIndex, boundsFrom, engineNanos, type LogSource } from './log-index';

const json: LogLineParser = (line) => parseJsonLogLine(line) ?? {};
const source = (container: string, service: string, member: number, parse: LogLineParser = json, containerId = `${container}-id`): LogSource => ({ containerId, container, service, member, parse });
const stamp = (second: number, nanos = 0) => `2026-11-29T02:00:${String(second).padStart(2, '0')}.${String(nanos).padStart(9, '0')}Z`;
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('LogIndex', () => {
  let dir: string;
  let index: LogIndex;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'log-index-'));
    index = LogIndex.open(join(dir, 'logs', 'stack.db'));
  });
  afterEach(() => {
    index.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const fill = () => {
    index.ingest(source('s-api-1', 'api', 1), [
      `${stamp(1)} {"level":30,"msg":"request","trace_id":"${TRACE}"}`,
      `${stamp(4)} {"level":50,"msg":"query failed"}`,
    ].join('\n') + '\n');
    index.ingest(source('s-redis-1', 'redis', 1, parseRedisLogLine), [
      `${stamp(2)} 7:M 29 Nov 2026 02:00:02.000 * Ready to accept connections`,
      `${stamp(3)} 7:M 29 Nov 2026 02:00:03.000 # WARNING overcommit_memory`,
      `${stamp(5)} [paws360-simulation] 2026-11-29T02:00:05Z fail-master: killing redis-1`,
    ].join('\n'));
    index.ingest(source('s-redis-2', 'redis', 2, parseRedisLogLine), `${stamp(2, 500)} 7:S 29 Nov 2026 02:00:02.000 * MASTER <-> REPLICA sync: Finished with success\n`);
  };

  it('merges every container in the engine’s time order, with level, trace id and markers', () => {
    fill();
    const { lines, total } = index.search({});
    expect(total).toBe(6);
    expect(lines.map((l) => `${l.service}-${l.member}`)).toEqual(['api-1', 'redis-1', 'redis-2', 'redis-1', 'api-1', 'redis-1']);
    expect(lines[0]).toMatchObject({ time: '2026-11-29T02:00:01.000000Z', level: 'info', traceId: TRACE, marker: false, container: 's-api-1' });
    expect(lines[3].level).toBe('warn');
    expect(lines[5].marker).toBe(true);
  });

  it('filters: service, member, level and above, regular expression, trace id, time window', () => {
    fill();
    const texts = (query: Parameters<LogIndex['search']>[0]) => index.search(query).lines.map((l) => l.text);
    expect(index.search({ services: ['api'] }).total).toBe(2);
    expect(index.search({ members: ['redis-2'] }).total).toBe(1);
    expect(index.search({ members: ['s-redis-1'] }).total).toBe(3);
    expect(index.search({ level: 'warn' }).lines.map((l) => l.level)).toEqual(['warn', 'error']);
    expect(texts({ grep: 'sync|overcommit' })).toHaveLength(2);
    expect(texts({ traceId: TRACE.toUpperCase() })).toHaveLength(1);
    expect(index.search({ sinceMs: Date.parse('2026-11-29T02:00:03Z'), untilMs: Date.parse('2026-11-29T02:00:04Z') }).total).toBe(2);
    expect(index.search({ services: ['redis'], grep: 'paws360-simulation' }).lines[0].marker).toBe(true);
  });

  it('--limit keeps the last N and says how many matched', () => {
    fill();
    const result = index.search({ limit: 2 });
    expect(result.total).toBe(6);
    expect(result.lines.map((l) => l.time.slice(17, 19))).toEqual(['04', '05']);
  });

  it('ingests incrementally: what it holds already (at or before the cursor) is skipped', () => {
    const api = source('s-api-1', 'api', 1);
    expect(index.ingest(api, `${stamp(1)} a\n${stamp(2)} b\n`)).toBe(2);
    expect(index.resumeSeconds(api.containerId)).toBe(Math.floor(Date.parse('2026-11-29T02:00:02Z') / 1000));
    // The engine's `since` is whole seconds: the repeat of second 2 is skipped.
    expect(index.ingest(api, `${stamp(2)} b\n${stamp(3)} c\n`)).toBe(1);
    expect(index.search({}).lines.map((l) => l.text)).toEqual(['a', 'b', 'c']);
    expect(index.resumeSeconds('unknown')).toBe(0);
  });

  it('a recreated container (new id, same name) is a new source; its predecessor’s lines stay', () => {
    index.ingest(source('s-api-1', 'api', 1, json, 'old'), `${stamp(1)} before\n`);
    index.ingest(source('s-api-1', 'api', 1, json, 'new'), `${stamp(0)} early line of the new one\n${stamp(3)} after\n`);
    expect(index.search({ members: ['api-1'] }).lines.map((l) => l.text)).toEqual(['early line of the new one', 'before', 'after']);
  });

  it('lines without an engine timestamp are ignored', () => {
    expect(index.ingest(source('x', 'x', 1), 'no stamp\n\n')).toBe(0);
  });

  it('an invalid --grep is a StackError naming it', () => {
    fill();
    expect(() => index.search({ grep: '(' })).toThrow(StackError);
    expect(() => index.search({ grep: '(' })).toThrow('--grep="(" is not a valid regular expression');
  });

  it('stays bounded: lines older than the age cap, then the oldest beyond the line cap, are dropped', () => {
    fill();
    const now = Date.parse('2026-11-29T02:00:00Z') + 86_400_000;
    // 1 day later, a 1-day cap keeps everything newer than 02:00:00.
    expect(index.prune({ maxAgeDays: 1, maxLines: 100 }, now)).toBe(0);
    expect(index.prune({ maxAgeDays: 1, maxLines: 4 }, now)).toBe(2);
    expect(index.search({}).lines.map((l) => l.time.slice(17, 19))).toEqual(['02', '03', '04', '05']);
    expect(index.prune({ maxAgeDays: 1, maxLines: 100 }, now + 4500)).toBe(3);
    expect(index.stats()).toMatchObject({ lines: 1 });
    expect(index.maxId()).toBeGreaterThan(0);
  });

  it('survives reopening (the index is a file)', () => {
    fill();
    index.close();
    index = LogIndex.open(join(dir, 'logs', 'stack.db'));
    expect(index.search({}).total).toBe(6);
  });

  it('bounds from the environment, defaults otherwise; a bad value names the variable', () => {
    expect(boundsFrom({})).toEqual({ maxAgeDays: 7, maxLines: 1_000_000 });
    expect(boundsFrom({ PAWS360_LOG_RETENTION_DAYS: '2', PAWS360_LOG_MAX_LINES: '5000' })).toEqual({ maxAgeDays: 2, maxLines: 5000 });
    expect(() => boundsFrom({ PAWS360_LOG_MAX_LINES: 'lots' })).toThrow('PAWS360_LOG_MAX_LINES="lots" is not a positive number.');
  });

  it('engineNanos keeps the engine’s nanoseconds', () => {
    expect(engineNanos('2026-11-29T02:10:25.387800411Z')).toBe(BigInt(Date.parse('2026-11-29T02:10:25Z')) * 1_000_000n + 387800411n);
    expect(engineNanos('2026-11-29T02:10:25Z')).toBe(BigInt(Date.parse('2026-11-29T02:10:25Z')) * 1_000_000n);
    expect(engineNanos('garbage')).toBeUndefined();
  });
});
