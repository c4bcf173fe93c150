import { dayMonthYearTime, levelFromWord, type LogLineParser } from '../log-line';

/** HAProxy's own messages: "[WARNING]  (14) : Server replicas/patroni-1 is DOWN, …". */
const MESSAGE = /^\[([A-Z]+)\]\s/;
/** Its traffic log (option tcplog): "172.18.0.1:48978 [29/Nov/2026:02:05:51.418] primary primary/patroni-1 …". */
const TRAFFIC = /^\S+:\d+ \[(\d\d)\/([A-Z][a-z]{2})\/(\d{4}):(\d\d:\d\d:\d\d(?:\.\d+)?)\] /;

/** HAProxy (the router): its messages' level, a connection line's accept time; a server going DOWN is a warning. */
export const parseRouterLogLine: LogLineParser = (line) => {
  const message = MESSAGE.exec(line);
  if (message) return { level: levelFromWord(message[1]) };
  const traffic = TRAFFIC.exec(line);
  if (traffic) return { level: 'info', timeMs: dayMonthYearTime(traffic[1], traffic[2], traffic[3], traffic[4]) };
  if (/^(Server|Proxy|backend) \S+ (is DOWN|has no server available)/.test(line)) return { level: 'warn' };
  return {};
};
