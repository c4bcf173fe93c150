import type { ServiceHealth } from './kind';
import { renderHealth, summaryLine } from './render-health';

const etcd: ServiceHealth = {
  service: 'etcd',
  healthy: false,
  durationMs: 40,
  components: [
    { name: 'paws360-etcd-1', status: 'healthy', role: 'leader', detail: 'rev 5' },
    { name: 'paws360-etcd-2', status: 'unhealthy', role: '-', detail: 'container not running (exited)' },
    { name: 'paws360-etcd-3', status: 'unknown', role: 'follower', detail: 'timeout' },
  ],
};
const redis: ServiceHealth = {
  service: 'redis',
  healthy: true,
  durationMs: 75,
  components: [{ name: 'paws360-redis-1', status: 'healthy', role: 'master', detail: 'ok' }],
};

describe('renderHealth', () => {
  it('marks each component, one row each, and ends with N/M healthy and the slowest duration', () => {
    const lines = renderHealth([etcd, redis]).split('\n');
    expect(lines).toEqual([
      '   SERVICE  COMPONENT        ROLE      DETAIL',
      '✓  etcd     paws360-etcd-1   leader    rev 5',
      '✗  etcd     paws360-etcd-2   -         container not running (exited)',
      '?  etcd     paws360-etcd-3   follower  timeout',
      '✓  redis    paws360-redis-1  master    ok',
      '2/4 components healthy (75 ms)',
    ]);
  });

  it('takes the total duration when given (stack-health measures the parallel run)', () => {
    expect(renderHealth([etcd], 123).split('\n').pop()).toBe('1/3 components healthy (123 ms)');
  });

  it('summaryLine', () => {
    expect(summaryLine(3, 3, 9)).toBe('3/3 components healthy (9 ms)');
  });
});
