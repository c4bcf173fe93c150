/**
 * Calls shared while in flight, by key: a call made while another with the
 * same key runs gets that call's promise instead of starting its own; once
 * it settles the key is forgotten, so the next call starts afresh. Nx batch
 * mode runs many tasks in one process, and some work must not run twice at
 * once there (an image build, a run-wide port probe).
 */
export class InFlight<T> {
  private readonly calls = new Map<string, Promise<T>>();

  run(key: string, start: () => Promise<T>): Promise<T> {
    const running = this.calls.get(key);
    if (running) return running;
    const call = start().finally(() => this.calls.delete(key));
    this.calls.set(key, call);
    return call;
  }
}
