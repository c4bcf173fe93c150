import { CollectingStream } from '../testing/executor-context';
import { Progress, seconds } from './progress';

describe('Progress', () => {
  afterEach(() => jest.useRealTimers());

  describe('non-interactive (CI logs)', () => {
    it('prints a line when what we wait for changes, not on every update', () => {
      const out = new CollectingStream();
      const progress = new Progress(out, false, 5000);
      progress.update('etcd-1:starting', 'waiting for etcd-1 (starting) 0.1s');
      progress.update('etcd-1:starting', 'waiting for etcd-1 (starting) 0.2s');
      progress.update('etcd-1:starting', 'waiting for etcd-1 (starting) 0.3s');
      progress.update('etcd-2:no leader', 'waiting for etcd-2 (no leader) 0.4s');
      progress.done('etcd: 3/3 healthy after 0.5s');
      expect(out.text()).toBe(
        'waiting for etcd-1 (starting) 0.1s\nwaiting for etcd-2 (no leader) 0.4s\netcd: 3/3 healthy after 0.5s\n',
      );
      expect(out.text()).not.toContain('\r');
    });

    it('repeats an unchanged line once quietMs has passed', () => {
      jest.useFakeTimers({ now: 1_000_000 });
      const out = new CollectingStream();
      const progress = new Progress(out, false, 5000);
      progress.update('k', 'wait 0s');
      jest.setSystemTime(1_004_999);
      progress.update('k', 'wait 4.9s');
      jest.setSystemTime(1_005_000);
      progress.update('k', 'wait 5s');
      expect(out.text()).toBe('wait 0s\nwait 5s\n');
    });

    it('after done, the same key is printed again', () => {
      const out = new CollectingStream();
      const progress = new Progress(out, false);
      progress.update('k', 'a');
      progress.done('done');
      progress.update('k', 'b');
      expect(out.text()).toBe('a\ndone\nb\n');
    });
  });

  describe('interactive (a terminal)', () => {
    it('rewrites one live line on every update and clears it before the final line', () => {
      const out = new CollectingStream();
      const progress = new Progress(out, true);
      progress.update('k', 'waiting 0.1s');
      progress.update('k', 'waiting 0.2s');
      progress.done('healthy');
      expect(out.chunks).toEqual(['\r\x1b[Kwaiting 0.1s', '\r\x1b[Kwaiting 0.2s', '\r\x1b[K', 'healthy\n']);
    });

    it('done without a live line prints just the line', () => {
      const out = new CollectingStream();
      new Progress(out, true).done('nothing to wait for');
      expect(out.chunks).toEqual(['nothing to wait for\n']);
    });
  });

  it('seconds() shows tenths', () => {
    expect(seconds(0)).toBe('0.0s');
    expect(seconds(1234)).toBe('1.2s');
    expect(seconds(61_050)).toBe('61.0s');
  });
});
