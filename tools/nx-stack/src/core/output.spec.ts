import { outputSettled } from './output';

describe('outputSettled', () => {
  it('waits in proportion to a long output, capped', async () => {
    const started = Date.now();
    await outputSettled(100);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(390);
    expect(waited).toBeLessThan(2000);
  });

  it('does not wait for a short output', async () => {
    const started = Date.now();
    await outputSettled(10);
    expect(Date.now() - started).toBeLessThan(100);
  });
});
