import { isoLikeTime, levelFromWord, parseJsonLogLine, type LogLineParser } from '../log-line';

/** capnslog (etcd without --logger=zap): "2026-11-29 01:50:28.123456 I | etcdserver: …". */
const CAPNSLOG = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?) ([DINWEC]) \| /;
const CAPNS_LEVELS: Record<string, string> = { D: 'debug', I: 'info', N: 'notice', W: 'warning', E: 'error', C: 'critical' };

/** etcd 3.4 logs JSON lines through zap ({"level":"info","ts":"…","msg":…}); capnslog's format otherwise. */
export const parseEtcdLogLine: LogLineParser = (line) => {
  const json = parseJsonLogLine(line);
  if (json) return json;
  const match = CAPNSLOG.exec(line);
  return match ? { level: levelFromWord(CAPNS_LEVELS[match[3]]), timeMs: isoLikeTime(match[1], match[2].slice(0, 12)) } : {};
};
