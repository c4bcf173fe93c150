/**
 * Reports a long wait. On an interactive terminal it rewrites one live line;
 * elsewhere (CI logs) it prints a plain line when what we wait for changes,
 * and at most every `quietMs` otherwise, so logs stay readable.
 */
export class Progress {
  private lastText = '';
  private lastPrinted = 0;
  private live = false;

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout,
    private readonly interactive = Boolean(process.stdout.isTTY) && !process.env.CI,
    private readonly quietMs = 5000,
  ) {}

  /** `key` is what we wait for; `text` may carry a changing elapsed time. */
  update(key: string, text: string): void {
    const now = Date.now();
    if (this.interactive) {
      this.out.write(`\r\x1b[K${text}`);
      this.live = true;
    } else if (key !== this.lastText || now - this.lastPrinted >= this.quietMs) {
      this.out.write(`${text}\n`);
      this.lastPrinted = now;
    }
    this.lastText = key;
  }

  done(text: string): void {
    if (this.live) this.out.write('\r\x1b[K');
    this.live = false;
    this.lastText = '';
    this.out.write(`${text}\n`);
  }
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
