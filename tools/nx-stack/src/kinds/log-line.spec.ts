import { parseEtcdLogLine } from './etcd/log-line';
import { parseHttpLogLine } from './http/log-line';
import { levelFromWord, parseJsonLogLine, parseRedisLogLine, traceIdIn } from './log-line';
import { parsePatroniLogLine } from './patroni/log-line';
import { KINDS } from './registry';
import { parseRouterLogLine } from './router/log-line';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('log line parsing (lines as the stack’s containers write them)', () => {
  it('every kind has a parser', () => {
    for (const module of Object.values(KINDS)) expect(typeof module.parseLogLine).toBe('function');
  });

  it('etcd (zap JSON): level and ts; capnslog too', () => {
    expect(parseEtcdLogLine('{"level":"warn","ts":"2026-11-29T02:10:25.386Z","caller":"mvcc/index.go:189","msg":"compact tree index"}')).toEqual({
      level: 'warn',
      timeMs: Date.parse('2026-11-29T02:10:25.386Z'),
      traceId: undefined,
    });
    expect(parseEtcdLogLine('2026-11-29 01:50:28.123456 E | etcdserver: publish error')).toEqual({ level: 'error', timeMs: Date.parse('2026-11-29T01:50:28.123Z') });
    expect(parseEtcdLogLine('raft2026/11/29 something')).toEqual({});
  });

  it('Patroni and PostgreSQL lines in a Patroni member', () => {
    expect(parsePatroniLogLine('2026-11-29 02:18:58,381 INFO: no action. I am (patroni-1), the leader with the lock')).toMatchObject({ level: 'info', timeMs: Date.parse('2026-11-29T02:18:58.381Z') });
    expect(parsePatroniLogLine('2026-11-29 01:50:34,151 WARNING: Loop time exceeded, rescheduling immediately.').level).toBe('warn');
    expect(parsePatroniLogLine('2026-11-29 01:50:29.383 UTC [48] LOG:  database system is ready to accept connections')).toMatchObject({ level: 'info', timeMs: Date.parse('2026-11-29T01:50:29.383Z') });
    expect(parsePatroniLogLine('2026-11-29 01:50:29.383 UTC [52] FATAL:  password authentication failed for user "x"').level).toBe('fatal');
    expect(parsePatroniLogLine('2026-11-29 01:50:29.383 UTC [52] ERROR:  relation "x" does not exist').level).toBe('error');
    expect(parsePatroniLogLine('2026-11-29 01:50:32.103 UTC [72] STATEMENT:  START_REPLICATION SLOT "patroni_3"').level).toBe('info');
    expect(parsePatroniLogLine(`2026-11-29 01:50:32.103 UTC [72] LOG:  statement: SELECT 1 /* trace_id=${TRACE} */`).traceId).toBe(TRACE);
    expect(parsePatroniLogLine('creating directory /var/lib/postgresql/data/pgdata ... ok')).toEqual({ traceId: undefined });
  });

  it('Redis and Sentinel: the mark is the level, the time is UTC', () => {
    expect(parseRedisLogLine('7:M 29 Nov 2026 01:50:26.514 # Diskless rdb transfer, done reading from pipe')).toEqual({ level: 'warn', timeMs: Date.parse('2026-11-29T01:50:26.514Z') });
    expect(parseRedisLogLine('7:X 29 Nov 2026 01:51:09.777 * +slave slave redis-3:6379').level).toBe('info');
    expect(parseRedisLogLine('1:C 29 Nov 2026 01:51:09.777 . debug line').level).toBe('debug');
    expect(KINDS.sentinel.parseLogLine).toBe(parseRedisLogLine);
  });

  it('HAProxy: its messages’ level, a connection’s accept time, a server DOWN is a warning', () => {
    expect(parseRouterLogLine('[WARNING]  (14) : Server replicas/patroni-1 is DOWN, reason: Layer7 wrong status').level).toBe('warn');
    expect(parseRouterLogLine('[NOTICE]   (7) : Loading success.').level).toBe('info');
    expect(parseRouterLogLine('[ALERT]    (7) : backend primary has no server available!').level).toBe('error');
    expect(parseRouterLogLine('172.18.0.1:48978 [29/Nov/2026:02:05:51.418] primary primary/patroni-1 1/0/1790 1014 -- 1/1/0/0/0 0/0')).toEqual({
      level: 'info',
      timeMs: Date.parse('2026-11-29T02:05:51.418Z'),
    });
    expect(parseRouterLogLine('Server replicas/patroni-1 is DOWN, reason: Layer7 wrong status').level).toBe('warn');
  });

  it('applications (pino JSON): numeric level, time, trace_id', () => {
    expect(parseHttpLogLine(`{"level":50,"time":1764380000000,"msg":"boom","trace_id":"${TRACE.toUpperCase()}"}`)).toEqual({ level: 'error', timeMs: 1764380000000, traceId: TRACE });
    expect(parseHttpLogLine('{"level":30,"time":1764380000000,"msg":"request completed"}').level).toBe('info');
    expect(parseHttpLogLine(`plain text traceparent 00-${TRACE}-00f067aa0ba902b7-01`)).toEqual({ traceId: TRACE });
    expect(parseJsonLogLine('{not json')).toBeUndefined();
    expect(parseJsonLogLine('[1,2]')).toBeUndefined();
  });

  it('levelFromWord and traceIdIn', () => {
    expect(levelFromWord('PANIC')).toBe('fatal');
    expect(levelFromWord('NOTICE')).toBe('info');
    expect(levelFromWord('nonsense')).toBeUndefined();
    expect(traceIdIn(`"traceId":"${TRACE}"`)).toBe(TRACE);
    expect(traceIdIn('no trace here 00-123')).toBeUndefined();
  });
});
