import type { Palette } from '../core/colour';
import type { IndexedLine } from './log-index';

const SGR = [36, 35, 34, 32, 33, 96, 95, 94, 92, 93];

/**
 * One colour per service (the same service always gets the same one, from a
 * hash of its name), on a palette that has colour at all: NO_COLOR, a pipe
 * or CI get plain text.
 */
export function serviceColour(palette: Palette, service: string): (text: string) => string {
  if (!palette.enabled) return (text) => text;
  let hash = 0;
  for (const char of service) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  const code = SGR[hash % SGR.length];
  return (text) => `\u001b[${code}m${text}\u001b[39m`;
}

const LEVEL_WIDTH = 5;

/**
 * A line of the unified view: time (UTC, milliseconds), member, level, text.
 * Warnings yellow, errors red, a simulation's marker bold.
 */
export function renderLogLines(lines: IndexedLine[], palette: Palette, memberWidth = 0): string[] {
  // The same width for every batch (--follow prints many): the widest member the stack can have, or of these lines.
  const width = lines.reduce((max, l) => Math.max(max, `${l.service}-${l.member}`.length), memberWidth);
  return lines.map((line) => {
    const member = `${line.service}-${line.member}`;
    const level = (line.level ?? '').toUpperCase().padEnd(LEVEL_WIDTH);
    const paintedLevel = line.level === 'error' || line.level === 'fatal' ? palette.red(level) : line.level === 'warn' ? palette.yellow(level) : palette.dim(level);
    const text = line.marker ? palette.bold(line.text) : line.text;
    return `${palette.dim(line.time.slice(0, 23).replace('T', ' '))} ${serviceColour(palette, line.service)(member.padEnd(width))} ${paintedLevel} ${text}`;
  });
}
