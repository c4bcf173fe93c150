import { FakeRuntime } from '../testing/fake-runtime';
import { WritabilitySampler, writability, writableMembers } from './writability-sampler';

describe('writability (psql over the member’s socket through docker exec)', () => {
  const runtime = new FakeRuntime();
  const container = runtime.addContainer({
    name: 'paws360-patroni-1',
    image: 'debian:bookworm-slim',
    hostname: 'patroni-1',
    env: {},
    labels: {},
    network: 'paws360-backend',
    aliases: [],
    ports: [],
    mounts: [],
    stopTimeoutSeconds: 1,
  });

  it.each([
    [{ exitCode: 0, stdout: 'f\n', stderr: '' }, 'rw'],
    [{ exitCode: 0, stdout: 't\n', stderr: '' }, 'ro'],
    [{ exitCode: 2, stdout: '', stderr: 'the database system is shutting down' }, 'down'],
  ])('%j → %s', async (result, expected) => {
    runtime.execHandler = () => result;
    expect(await writability(runtime, container.id)).toBe(expected);
  });

  it('a container that is not running (exec refused) is down', async () => {
    runtime.setState('paws360-patroni-1', 'exited');
    expect(await writability(runtime, container.id)).toBe('down');
    runtime.setState('paws360-patroni-1', 'running');
  });
});

describe('WritabilitySampler', () => {
  it('samples every member each round and finds the rounds with two writable members', async () => {
    const runtime = new FakeRuntime();
    const spec = (name: string) => ({ name, image: 'debian:bookworm-slim', hostname: name, env: {}, labels: {}, network: 'n', aliases: [], ports: [], mounts: [], stopTimeoutSeconds: 1 });
    const a = runtime.addContainer(spec('a'));
    const b = runtime.addContainer(spec('b'));
    let round = 0;
    runtime.execHandler = (container) => {
      if (container.name === 'a') round += 1;
      const writable = container.name === 'a' || round === 3;
      return { exitCode: 0, stdout: writable ? 'f' : 't', stderr: '' };
    };
    let now = 0;
    const sampler = new WritabilitySampler(runtime, [{ name: 'a', id: a.id }, { name: 'b', id: b.id }], () => (now += 10), 1);
    sampler.start();
    while (sampler.samples.length < 5) await new Promise((resolve) => setTimeout(resolve, 2));
    await sampler.stop();
    expect(sampler.samples[0].states).toEqual({ a: 'rw', b: 'ro' });
    expect(sampler.splitBrains()).toHaveLength(1);
    expect(writableMembers(sampler.splitBrains()[0])).toEqual(['a', 'b']);
    expect(sampler.first(0, (s) => s.states.b === 'rw')).toBe(sampler.splitBrains()[0]);
  });
});
