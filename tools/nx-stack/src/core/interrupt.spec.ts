import { pause, untilInterrupted } from './interrupt';

describe('untilInterrupted', () => {
  it('the signal fires on SIGINT; no handler is left behind', async () => {
    const before = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
    const result = untilInterrupted(async (signal) => {
      await new Promise((resolve) => signal.addEventListener('abort', resolve));
      return 'stopped';
    });
    process.emit('SIGINT');
    expect(await result).toBe('stopped');
    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual(before);
  });

  it('a body that fails still removes the handlers', async () => {
    const before = process.listenerCount('SIGTERM');
    await expect(untilInterrupted(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});

describe('pause', () => {
  it('waits, or ends early when the signal fires', async () => {
    const abort = new AbortController();
    const started = Date.now();
    const waiting = pause(10_000, abort.signal);
    abort.abort();
    await waiting;
    expect(Date.now() - started).toBeLessThan(1000);
    await pause(5, abort.signal);
    await pause(5, new AbortController().signal);
  });
});
