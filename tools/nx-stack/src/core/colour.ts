/**
 * Colour for human output on a terminal: on when the stream is a TTY (or
 * FORCE_COLOR asks for it, as Nx does for the tasks it runs on a terminal),
 * off when NO_COLOR is set (https://no-color.org), TERM is dumb, or the
 * output goes to a file or a pipe. --json output never uses it.
 */
export interface Palette {
  enabled: boolean;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const sgr = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
const plain = (text: string) => text;

export function colourEnabled(stream: { isTTY?: boolean } = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return !['0', 'false'].includes(force.toLowerCase());
  return stream.isTTY === true;
}

export function palette(enabled = colourEnabled()): Palette {
  return enabled
    ? { enabled, green: sgr(32, 39), red: sgr(31, 39), yellow: sgr(33, 39), dim: sgr(2, 22), bold: sgr(1, 22) }
    : { enabled, green: plain, red: plain, yellow: plain, dim: plain, bold: plain };
}

/** Visible width of a string that may hold colour codes (for aligning tables). */
// eslint-disable-next-line no-control-regex -- the escape character is what an SGR code starts with
export const visibleLength = (text: string) => text.replace(/\u001b\[\d+m/g, '').length;
