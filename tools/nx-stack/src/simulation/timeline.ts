/** What happened when during a simulation, relative to its start. */
export class Timeline {
  private readonly origin = performance.now();
  readonly events: Array<{ atMs: number; event: string }> = [];

  /** Records an event; returns its time (ms since the start) for measurements. */
  mark(event: string): number {
    const atMs = Math.round(performance.now() - this.origin);
    this.events.push({ atMs, event });
    return atMs;
  }

  now(): number {
    return Math.round(performance.now() - this.origin);
  }

  render(): string {
    return this.events.map((e) => `  +${(e.atMs / 1000).toFixed(2).padStart(6)}s  ${e.event}`).join('\n');
  }
}
