import { levelFromWord, type LogLineParser } from '../log-line';

/** Prometheus and the exporters log logfmt: ts=2026-11-29T02:00:01.123Z caller=main.go:585 level=info msg="…". */
export const parsePrometheusLogLine: LogLineParser = (line) => {
  const level = /(?:^|\s)level=(\w+)/.exec(line)?.[1];
  const ts = /(?:^|\s)(?:ts|time)=(\S+)/.exec(line)?.[1];
  const timeMs = ts ? Date.parse(ts.replace(/^"|"$/g, '')) : NaN;
  return { level: levelFromWord(level), ...(Number.isNaN(timeMs) ? {} : { timeMs }) };
};
