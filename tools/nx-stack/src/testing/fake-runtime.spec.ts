import type { ContainerSpec } from '../runtime/container-runtime';
import { EngineUnavailableError, RuntimeOperationError } from '../runtime/runtime-errors';
import { FakeRuntime } from './fake-runtime';

const spec = (name: string, overrides: Partial<ContainerSpec> = {}): ContainerSpec => ({
  name,
  image: 'debian:bookworm-slim',
  hostname: name,
  env: {},
  labels: { 'io.paws360.service': name.split('-')[0], member: name.split('-')[1] ?? '1' },
  network: 'net',
  aliases: [],
  ports: [],
  mounts: [],
  stopTimeoutSeconds: 1,
  ...overrides,
});

describe('FakeRuntime', () => {
  it('behaves like an engine: create → start → stop → remove, listed by label subset', async () => {
    const runtime = new FakeRuntime();
    const id = await runtime.createContainer(spec('etcd-1'));
    await runtime.createContainer(spec('redis-1'));
    expect(runtime.container('etcd-1').state).toBe('created');
    await runtime.startContainer(id);
    expect((await runtime.listContainers({ 'io.paws360.service': 'etcd' })).map((c) => [c.name, c.state])).toEqual([['etcd-1', 'running']]);
    await runtime.stopContainer(id, 1);
    expect(runtime.container('etcd-1').state).toBe('exited');
    await runtime.removeContainer(id);
    await runtime.removeContainer(id);
    expect(runtime.containerNames()).toEqual(['redis-1']);
  });

  it('refuses a duplicate name (409) and a missing image (404)', async () => {
    const runtime = new FakeRuntime();
    await runtime.createContainer(spec('a-1'));
    await expect(runtime.createContainer(spec('a-1'))).rejects.toMatchObject({ statusCode: 409 });
    await expect(runtime.createContainer(spec('b-1', { image: 'nope:1' }))).rejects.toMatchObject({ statusCode: 404 });
  });

  it('an in-use volume cannot be removed; a network with containers is kept', async () => {
    const runtime = new FakeRuntime();
    await runtime.ensureNetwork('net', {});
    expect(await runtime.ensureVolume('v', { a: '1' })).toBe(true);
    expect(await runtime.ensureVolume('v', { a: '1' })).toBe(false);
    const id = await runtime.createContainer(spec('a-1', { mounts: [{ volume: 'v', target: '/d' }] }));
    await expect(runtime.removeVolume('v')).rejects.toThrow(/in use by container a-1/);
    expect(await runtime.removeNetwork('net')).toBe(false);
    await runtime.removeContainer(id);
    await runtime.removeVolume('v');
    expect(await runtime.removeNetwork('net')).toBe(true);
    expect(runtime.volumeNames()).toEqual([]);
  });

  it('failOn fails exactly the nth call from now (or every call from it when sticky), naming the target', async () => {
    const runtime = new FakeRuntime();
    runtime.failOn('createContainer', 2);
    await runtime.createContainer(spec('a-1'));
    const error = await runtime.createContainer(spec('a-2')).catch((e: Error) => e);
    expect(error).toBeInstanceOf(RuntimeOperationError);
    expect((error as Error).message).toBe('createContainer a-2 failed: injected failure');
    await runtime.createContainer(spec('a-3'));
    expect(runtime.containerNames()).toEqual(['a-1', 'a-3']);

    runtime.failOn('ping', 1, new Error('custom'), { sticky: true });
    await expect(runtime.ping()).rejects.toThrow('custom');
    await expect(runtime.ping()).rejects.toThrow('custom');
  });

  it('engine down: every call throws EngineUnavailableError, and is still recorded', async () => {
    const runtime = new FakeRuntime().engineDown();
    await expect(runtime.ping()).rejects.toBeInstanceOf(EngineUnavailableError);
    await expect(runtime.listVolumes({})).rejects.toBeInstanceOf(EngineUnavailableError);
    expect(runtime.calls.map((c) => c.method)).toEqual(['ping', 'listVolumes']);
    runtime.engineDown(false);
    await expect(runtime.ping()).resolves.toBeUndefined();
  });

  it('builds tag the image under every tag; logs honour tail', async () => {
    const runtime = new FakeRuntime();
    await runtime.buildImage({ contextDir: '/', dockerfile: 'Dockerfile', files: [], tags: ['x/y:1', 'x/y:latest'], labels: {} });
    expect(await runtime.imageId('x/y:1')).toBe(await runtime.imageId('x/y'));
    const id = await runtime.createContainer(spec('a-1', { image: 'x/y:1' }));
    runtime.setLogs('a-1', 'l1\nl2\nl3\n');
    expect(await runtime.logs(id, { tail: 2 })).toBe('l2\nl3\n');
    expect(await runtime.logs(id, {})).toBe('l1\nl2\nl3\n');
  });
});
