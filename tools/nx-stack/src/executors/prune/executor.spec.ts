// Specs hand executors their own runtime, so the real one is never made: keep
// dockerode (slow to load) out of this suite.
jest.mock('../../runtime/dockerode-runtime', () => ({ DockerodeRuntime: jest.fn() }));

import { TestWorkspace, testDeps } from '../../testing/executor-context';
import { fakeProbe } from '../../testing/fake-probe';
import { FakeRuntime } from '../../testing/fake-runtime';
import { orphanReason } from '../../lifecycle/stacks';
import upExecutor from '../up/executor';
import pruneExecutor from './executor';

describe('prune executor', () => {
  let ws: TestWorkspace;
  let runtime: FakeRuntime;
  const up = async (stack: string, env: NodeJS.ProcessEnv = {}) =>
    expect(await upExecutor({ stack }, ws.context('etcd'), testDeps(runtime, { probe: () => fakeProbe(), env }).deps)).toEqual({ success: true });

  beforeEach(async () => {
    ws = TestWorkspace.create({ etcd: {} });
    runtime = new FakeRuntime();
    await up('paws360'); // the developer's own: no owner process, its checkout exists
    await up('crashed-test', { PAWS360_OWNER_PID: '999999999' }); // a test run that is gone
    await up('live-test', { PAWS360_OWNER_PID: String(process.pid) }); // a test run still going
  });
  afterEach(() => ws.dispose());

  it('removes the stack whose owner process is gone, keeps the developer’s and a live test run’s', async () => {
    const { deps, logs } = testDeps(runtime);
    expect(await pruneExecutor({}, ws.context('stack', 'prune'), deps)).toEqual({ success: true });
    expect(logs[0]).toMatch(/crashed-test\s+3\s+removed: its owner process 999999999 is gone/);
    expect(logs[0]).toMatch(/paws360\s+3\s+kept/);
    expect(logs[0]).toMatch(/live-test\s+3\s+kept/);
    expect(runtime.containerNames().filter((n) => n.startsWith('crashed-test'))).toEqual([]);
    expect(runtime.volumeNames().filter((n) => n.startsWith('crashed-test'))).toEqual([]);
    expect(runtime.containerNames()).toHaveLength(6);
  });

  it('--dry-run removes nothing and says what it would remove', async () => {
    const { deps, logs } = testDeps(runtime);
    expect(await pruneExecutor({ dryRun: true, json: true }, ws.context('stack', 'prune'), deps)).toEqual({ success: true });
    const report = JSON.parse(logs[0]);
    expect(report.stacks.find((s: { stack: string }) => s.stack === 'crashed-test').orphan).toBe('its owner process 999999999 is gone');
    expect(report.removed).toEqual([]);
    expect(runtime.containerNames()).toHaveLength(9);
  });

  it('a stack whose checkout was deleted is orphaned; one without any owner label never is', () => {
    const gone = () => false;
    expect(orphanReason({ stack: 's', containers: ['a'], checkouts: ['/tmp/ci-clone'], ownerPids: [] }, { checkoutExists: gone })).toBe(
      'its checkout /tmp/ci-clone no longer exists',
    );
    expect(orphanReason({ stack: 's', containers: ['a'], checkouts: [], ownerPids: [] }, { checkoutExists: gone })).toBeUndefined();
  });
});
