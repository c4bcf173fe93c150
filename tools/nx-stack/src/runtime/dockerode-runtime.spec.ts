// Every test hands DockerodeRuntime a stub: the real dockerode (slow to load) is never needed.
jest.mock('dockerode', () => jest.fn());

import type Docker from 'dockerode';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { DockerodeRuntime, compareCreated, engineEndpoint, engineOptions } from './dockerode-runtime';
import { EngineUnavailableError, RuntimeOperationError, engineReason, isEngineDown } from './runtime-errors';

/** An error as dockerode's modem reports an engine answer: statusCode plus the engine's JSON body. */
const engineError = (statusCode: number, message: string) => Object.assign(new Error(`(HTTP code ${statusCode}) ${message}`), { statusCode, json: { message } });
const socketError = (code: string) => Object.assign(new Error(`connect ${code} /var/run/docker.sock`), { code });

const frame = (type: 1 | 2, text: string) => {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
};

/** A stand-in for dockerode: each test sets the calls it expects. */
function stubDocker() {
  const image = { inspect: jest.fn(), remove: jest.fn(), tag: jest.fn() };
  const container = { start: jest.fn(), stop: jest.fn(), kill: jest.fn(), remove: jest.fn(), logs: jest.fn(), exec: jest.fn() };
  const network = { remove: jest.fn(), connect: jest.fn(), disconnect: jest.fn() };
  const volume = { inspect: jest.fn(), remove: jest.fn() };
  const docker = {
    ping: jest.fn(),
    getImage: jest.fn(() => image),
    buildImage: jest.fn(),
    listContainers: jest.fn(),
    createContainer: jest.fn(),
    getContainer: jest.fn(() => container),
    listNetworks: jest.fn(),
    createNetwork: jest.fn(),
    getNetwork: jest.fn(() => network),
    getVolume: jest.fn(() => volume),
    createVolume: jest.fn(),
    listVolumes: jest.fn(),
    modem: { followProgress: jest.fn(), demuxStream: jest.fn() },
  };
  return { docker, image, container, network, volume, runtime: new DockerodeRuntime(docker as unknown as Docker) };
}

describe('runtime errors', () => {
  it('engineEndpoint: DOCKER_HOST or the default socket', () => {
    expect(engineEndpoint({})).toBe('unix:///var/run/docker.sock');
    expect(engineEndpoint({ DOCKER_HOST: 'tcp://127.0.0.1:2375' })).toBe('tcp://127.0.0.1:2375');
  });

  it('isEngineDown: socket errors only', () => {
    for (const code of ['ECONNREFUSED', 'ENOENT', 'EACCES']) expect(isEngineDown(socketError(code))).toBe(true);
    expect(isEngineDown(engineError(500, 'x'))).toBe(false);
    expect(isEngineDown(undefined)).toBe(false);
  });

  it('engineReason prefers the engine’s own words', () => {
    expect(engineReason(engineError(404, 'No such image: x'))).toBe('No such image: x');
    expect(engineReason(new Error('plain'))).toBe('plain');
    expect(engineReason('text')).toBe('text');
  });
});

describe('the engine of an env', () => {
  const saved = process.env.DOCKER_HOST;
  afterEach(() => {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
  });

  it('engineOptions: the process’s own DOCKER_HOST is left to dockerode; another env’s unix socket is named', () => {
    process.env.DOCKER_HOST = 'tcp://127.0.0.1:2376';
    expect(engineOptions({ DOCKER_HOST: 'tcp://127.0.0.1:2376' })).toBeUndefined();
    expect(engineOptions({ DOCKER_HOST: 'unix:///run/podman/podman.sock' })).toEqual({ socketPath: '/run/podman/podman.sock' });
    expect(engineOptions({})).toEqual({ socketPath: '/var/run/docker.sock' });
    delete process.env.DOCKER_HOST;
    expect(engineOptions({})).toBeUndefined();
    expect(() => engineOptions({ DOCKER_HOST: 'ssh://user@host' })).toThrow(/DOCKER_HOST=ssh:\/\/user@host differs from this process's; only a unix:\/\/ socket/);
  });

  it('a runtime made for another env asks that env’s engine and names it when it does not answer', async () => {
    delete process.env.DOCKER_HOST;
    const DockerMock = jest.requireMock<jest.Mock>('dockerode');
    DockerMock.mockImplementationOnce(() => ({ ping: () => Promise.reject(socketError('ENOENT')) }));
    const runtime = new DockerodeRuntime(undefined, { DOCKER_HOST: 'unix:///tmp/paws360-no-such-engine.sock' });
    expect(DockerMock).toHaveBeenLastCalledWith({ socketPath: '/tmp/paws360-no-such-engine.sock' });
    const error = await runtime.ping().catch((e: Error) => e);
    expect(error).toBeInstanceOf(EngineUnavailableError);
    expect((error as Error).message).toContain('Cannot reach the Docker engine at unix:///tmp/paws360-no-such-engine.sock (connect ENOENT');
  });
});

describe('DockerodeRuntime (over a stubbed dockerode)', () => {
  it('engine unreachable: EngineUnavailableError naming the endpoint and the cause', async () => {
    const { docker, runtime } = stubDocker();
    docker.ping.mockRejectedValue(socketError('ECONNREFUSED'));
    const error = await runtime.ping().catch((e: Error) => e);
    expect(error).toBeInstanceOf(EngineUnavailableError);
    expect((error as Error).message).toContain(`Cannot reach the Docker engine at ${engineEndpoint()} (connect ECONNREFUSED`);
  });

  it('an engine error names the operation and quotes the engine', async () => {
    const { image, runtime } = stubDocker();
    image.inspect.mockRejectedValue(engineError(500, 'disk full'));
    const error = await runtime.imageId('paws360/etcd:abc').catch((e: Error) => e);
    expect(error).toBeInstanceOf(RuntimeOperationError);
    expect(error).toMatchObject({ message: 'docker image inspect paws360/etcd:abc failed: disk full', statusCode: 500 });
  });

  it('imageId: the id, or undefined for a missing image', async () => {
    const { image, runtime } = stubDocker();
    image.inspect.mockResolvedValueOnce({ Id: 'sha256:1' }).mockRejectedValueOnce(engineError(404, 'No such image'));
    expect(await runtime.imageId('a')).toBe('sha256:1');
    expect(await runtime.imageId('b')).toBeUndefined();
  });

  it('createContainer: ports on 127.0.0.1 only, volumes as mounts, env, labels, aliases, init and restart policy', async () => {
    const { docker, runtime } = stubDocker();
    docker.createContainer.mockResolvedValue({ id: 'abc' });
    docker.listNetworks.mockResolvedValue([{ Name: 'paws360-backend', Id: 'net1', Created: '2026-11-22T10:00:00Z' }]);
    const id = await runtime.createContainer({
      name: 'paws360-etcd-1',
      image: 'paws360/etcd:abc',
      hostname: 'etcd-1',
      env: { A: '1', B: 'x=y' },
      labels: { 'io.paws360.stack': 'paws360' },
      cmd: ['etcd'],
      network: 'paws360-backend',
      aliases: ['etcd-1'],
      ports: [{ container: 2379, host: 2380 }],
      mounts: [{ volume: 'paws360-etcd-1-data', target: '/var/lib/etcd' }],
      stopTimeoutSeconds: 10,
    });
    expect(id).toBe('abc');
    expect(docker.createContainer).toHaveBeenCalledWith({
      name: 'paws360-etcd-1',
      Image: 'paws360/etcd:abc',
      Hostname: 'etcd-1',
      Env: ['A=1', 'B=x=y'],
      Labels: { 'io.paws360.stack': 'paws360' },
      Cmd: ['etcd'],
      ExposedPorts: { '2379/tcp': {} },
      StopTimeout: 10,
      HostConfig: {
        PortBindings: { '2379/tcp': [{ HostIp: '127.0.0.1', HostPort: '2380' }] },
        Mounts: [{ Type: 'volume', Source: 'paws360-etcd-1-data', Target: '/var/lib/etcd' }],
        RestartPolicy: { Name: 'unless-stopped' },
        NetworkMode: 'net1',
        Init: true,
      },
      NetworkingConfig: { EndpointsConfig: { net1: { Aliases: ['etcd-1'] } } },
    });
  });

  it('listContainers: filters by labels and strips the leading / of names', async () => {
    const { docker, runtime } = stubDocker();
    docker.listContainers.mockResolvedValue([{ Id: 'i', Names: ['/paws360-etcd-1'], State: 'running', Labels: { a: 'b' }, ImageID: 'sha256:1' }]);
    expect(await runtime.listContainers({ a: 'b', c: 'd' })).toEqual([
      { id: 'i', name: 'paws360-etcd-1', state: 'running', labels: { a: 'b' }, imageId: 'sha256:1', networks: [] },
    ]);
    expect(docker.listContainers).toHaveBeenCalledWith({ all: true, filters: { label: ['a=b', 'c=d'] } });
  });

  it('listContainers: reports the networks a container is attached to, sorted', async () => {
    const { docker, runtime } = stubDocker();
    docker.listContainers.mockResolvedValue([
      {
        Id: 'i',
        Names: ['/paws360-etcd-1'],
        State: 'running',
        Labels: {},
        ImageID: 'sha256:1',
        NetworkSettings: { Networks: { 'paws360-backend': {}, bridge: {} } },
      },
    ]);
    expect((await runtime.listContainers({}))[0].networks).toEqual(['bridge', 'paws360-backend']);
  });

  it('start/stop of a container already in that state (304) and removing a gone one (404) are fine', async () => {
    const { container, runtime } = stubDocker();
    container.start.mockRejectedValue(engineError(304, 'already started'));
    container.stop.mockRejectedValue(engineError(304, 'already stopped'));
    container.remove.mockRejectedValue(engineError(404, 'No such container'));
    await expect(runtime.startContainer('0123456789abcdef')).resolves.toBeUndefined();
    await expect(runtime.stopContainer('0123456789abcdef', 5)).resolves.toBeUndefined();
    await expect(runtime.removeContainer('0123456789abcdef')).resolves.toBeUndefined();
    expect(container.stop).toHaveBeenCalledWith({ t: 5 });
    container.start.mockRejectedValue(engineError(500, 'port is already allocated'));
    await expect(runtime.startContainer('0123456789abcdef')).rejects.toThrow('docker start 0123456789ab failed: port is already allocated');
  });

  it('logs: demultiplexes stdout and stderr into one text', async () => {
    const { container, runtime } = stubDocker();
    container.logs.mockResolvedValue(Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n')]));
    expect(await runtime.logs('abc', { tail: 10 })).toBe('out\nerr\n');
    expect(container.logs).toHaveBeenCalledWith({ stdout: true, stderr: true, follow: false, tail: 10, since: 0, timestamps: false });
  });

  it('exec: collects the output and the exit code', async () => {
    const { container, runtime } = stubDocker();
    const stream = new PassThrough();
    const exec = { start: jest.fn().mockResolvedValue(stream), inspect: jest.fn().mockResolvedValue({ ExitCode: 3 }) };
    container.exec.mockResolvedValue(exec);
    const result = runtime.exec('abc', ['etcdctl', 'endpoint', 'health'], { env: { ETCDCTL_API: '3' } });
    await new Promise((resolve) => setImmediate(resolve));
    stream.end(Buffer.concat([frame(1, 'ok'), frame(2, 'warn')]));
    expect(await result).toEqual({ exitCode: 3, stdout: 'ok', stderr: 'warn' });
    expect(container.exec).toHaveBeenCalledWith(expect.objectContaining({ Cmd: ['etcdctl', 'endpoint', 'health'], Env: ['ETCDCTL_API=3'] }));
  });

  it('buildImage: a context that cannot be read to its end aborts the request and names the folder, instead of waiting forever', async () => {
    const ctx = mkdtempSync(join(tmpdir(), 'build-ctx-'));
    try {
      writeFileSync(join(ctx, 'Dockerfile'), 'FROM debian:bookworm-slim\n');
      const { docker, runtime } = stubDocker();
      let signal: AbortSignal | undefined;
      // The engine: reads the body and answers only once it has all of it (here: never, unless aborted).
      docker.buildImage.mockImplementation((stream: Readable, options: { abortSignal?: AbortSignal }) => {
        signal = options.abortSignal;
        stream.resume();
        return new Promise(() => undefined);
      });
      // main.js is planned but gone by the time it is sent (another build rewrote the folder).
      const build = runtime.buildImage({ contextDir: ctx, dockerfile: 'Dockerfile', files: ['Dockerfile', 'main.js'], tags: ['t:1'], labels: {} });
      await expect(build).rejects.toThrow(`docker build t:1 failed: its build context ${ctx} changed while it was being sent`);
      expect(signal?.aborted).toBe(true);
      expect(docker.modem.followProgress).not.toHaveBeenCalled();
    } finally {
      rmSync(ctx, { recursive: true, force: true });
    }
  });

  it('buildImage: sends a tar of exactly the planned files, even a Dockerfile that .dockerignore lists', async () => {
    const ctx = mkdtempSync(join(tmpdir(), 'build-ctx-'));
    try {
      writeFileSync(join(ctx, '.dockerignore'), '*\n!main.js\n');
      writeFileSync(join(ctx, 'Dockerfile'), 'FROM debian:bookworm-slim\n');
      writeFileSync(join(ctx, 'main.js'), 'console.log(1)\n');
      writeFileSync(join(ctx, 'secret.txt'), 'not for the image\n');
      const { docker, runtime } = stubDocker();
      let tar = '';
      docker.buildImage.mockImplementation(async (stream: Readable) => {
        for await (const chunk of stream) tar += Buffer.from(chunk).toString('latin1');
        return 'stream';
      });
      docker.modem.followProgress.mockImplementation((_stream, done) => done(null));
      const files = ['Dockerfile', 'main.js'];
      await runtime.buildImage({ contextDir: ctx, dockerfile: 'Dockerfile', files, tags: ['t:1'], labels: {} });
      // The caller's list is left as it was (tar-fs consumes the array it is given).
      expect(files).toEqual(['Dockerfile', 'main.js']);
      expect(tar).toContain('Dockerfile');
      expect(tar).toContain('FROM debian:bookworm-slim');
      expect(tar).toContain('console.log(1)');
      expect(tar).not.toContain('secret.txt');
      expect(tar).not.toContain('not for the image');
    } finally {
      rmSync(ctx, { recursive: true, force: true });
    }
  });

  it('buildImage: passes the context files, reports lines, fails with the build’s error, adds extra tags', async () => {
    const ctx = mkdtempSync(join(tmpdir(), 'build-ctx-'));
    writeFileSync(join(ctx, 'Dockerfile'), 'FROM debian\n');
    const { docker, image, runtime } = stubDocker();
    docker.buildImage.mockResolvedValue('stream');
    docker.modem.followProgress.mockImplementation((_stream, done, onEvent) => {
      onEvent({ stream: 'Step 1/2 : FROM debian\n' });
      onEvent({ stream: '\n' });
      done(null);
    });
    const lines: string[] = [];
    await runtime.buildImage(
      { contextDir: ctx, dockerfile: 'Dockerfile', files: ['Dockerfile'], tags: ['paws360/etcd:abc', 'registry:5000/paws360/etcd'], labels: { l: 'v' }, noCache: true },
      (l) => lines.push(l),
    );
    expect(docker.buildImage).toHaveBeenCalledWith(expect.objectContaining({ readable: true }), {
      dockerfile: 'Dockerfile',
      t: 'paws360/etcd:abc',
      labels: { l: 'v' },
      nocache: true,
      forcerm: true,
      abortSignal: expect.any(AbortSignal),
    });
    expect(lines).toEqual(['Step 1/2 : FROM debian']);
    // A registry port's colon is no tag.
    expect(image.tag).toHaveBeenCalledWith({ repo: 'registry:5000/paws360/etcd', tag: 'latest' });

    docker.modem.followProgress.mockImplementation((_stream, done, onEvent) => {
      onEvent({ error: 'x', errorDetail: { message: 'apt-get failed with 100' } });
      done(null);
    });
    await expect(
      runtime.buildImage({ contextDir: '/ctx', dockerfile: 'Dockerfile', files: [], tags: ['paws360/etcd:abc'], labels: {} }),
    ).rejects.toThrow('docker build paws360/etcd:abc failed: apt-get failed with 100');
  });

  it('networks: created once, a lost creation race is fine, removal reports whether it is gone', async () => {
    const { docker, network, runtime } = stubDocker();
    const mine = { Name: 'paws360-backend', Id: 'mine', Created: '2026-11-22T10:00:00.5Z' };
    docker.listNetworks.mockResolvedValueOnce([mine]);
    expect(await runtime.ensureNetwork('paws360-backend', {})).toBe(false);
    docker.listNetworks.mockResolvedValueOnce([]).mockResolvedValueOnce([mine]);
    docker.createNetwork.mockResolvedValueOnce({ id: 'mine' });
    expect(await runtime.ensureNetwork('paws360-backend', { a: 'b' })).toBe(true);
    expect(docker.createNetwork).toHaveBeenCalledWith({ Name: 'paws360-backend', Driver: 'bridge', Labels: { a: 'b' }, CheckDuplicate: true });
    docker.listNetworks.mockResolvedValueOnce([]);
    docker.createNetwork.mockRejectedValueOnce(engineError(409, 'network exists'));
    expect(await runtime.ensureNetwork('paws360-backend', {})).toBe(false);
    docker.listNetworks.mockResolvedValue([]);

    docker.listNetworks.mockResolvedValue([{ Name: 'n', Id: 'n1' }, { Name: 'n-other', Id: 'x' }]);
    network.remove.mockResolvedValueOnce(undefined);
    expect(await runtime.removeNetwork('n')).toBe(true);
    network.remove.mockRejectedValueOnce(engineError(404, 'gone'));
    expect(await runtime.removeNetwork('n')).toBe(true);
    network.remove.mockRejectedValueOnce(engineError(403, 'has active endpoints'));
    expect(await runtime.removeNetwork('n')).toBe(false);
    // Duplicates of one name (left by a lost race): each removed by id.
    docker.listNetworks.mockResolvedValue([{ Name: 'n', Id: 'n1' }, { Name: 'n', Id: 'n2' }]);
    docker.getNetwork.mockClear();
    network.remove.mockReset().mockResolvedValue(undefined);
    expect(await runtime.removeNetwork('n')).toBe(true);
    expect(docker.getNetwork.mock.calls).toEqual([['n1'], ['n2']]);
  });

  it('networks on Podman: a unique one is removed by name, "being used" (500) keeps it, "already exists" (500) is a lost race', async () => {
    const { docker, network, runtime } = stubDocker();
    // Podman 4.3 removes a network by id even while containers use it: only the name makes it check.
    docker.listNetworks.mockResolvedValue([{ Name: 'paws360-backend', Id: 'abc' }]);
    network.remove.mockResolvedValueOnce(undefined);
    expect(await runtime.removeNetwork('paws360-backend')).toBe(true);
    expect(docker.getNetwork).toHaveBeenLastCalledWith('paws360-backend');
    network.remove.mockRejectedValueOnce(
      engineError(500, '"paws360-backend" has associated containers with it. Use -f to forcibly delete containers and pods: network is being used'),
    );
    expect(await runtime.removeNetwork('paws360-backend')).toBe(false);
    network.remove.mockRejectedValueOnce(engineError(500, 'disk full'));
    await expect(runtime.removeNetwork('paws360-backend')).rejects.toThrow('docker network rm paws360-backend failed: disk full');

    // Podman keeps names unique and refuses the second create with a 500: the other `up` won.
    docker.listNetworks.mockResolvedValueOnce([]);
    docker.createNetwork.mockRejectedValueOnce(engineError(500, 'network name paws360-backend already used: network already exists'));
    expect(await runtime.ensureNetwork('paws360-backend', {})).toBe(false);
    docker.listNetworks.mockResolvedValueOnce([]);
    docker.createNetwork.mockRejectedValueOnce(engineError(500, 'netavark: iptables failed'));
    await expect(runtime.ensureNetwork('paws360-backend', {})).rejects.toThrow('netavark: iptables failed');
  });

  it('networks: two parallel creations of one name keep the first created; the loser removes its own', async () => {
    const { docker, network, runtime } = stubDocker();
    // Created .12 s after the winner's .1 s: as strings "….12Z" would sort first.
    const winner = { Name: 'paws360-backend', Id: 'zzz', Created: '2026-11-22T10:00:00.1Z' };
    const loser = { Name: 'paws360-backend', Id: 'aaa', Created: '2026-11-22T10:00:00.12Z' };
    docker.listNetworks.mockResolvedValueOnce([]).mockResolvedValueOnce([loser, winner]);
    docker.createNetwork.mockResolvedValueOnce({ id: 'aaa' });
    network.remove.mockResolvedValueOnce(undefined);
    expect(await runtime.ensureNetwork('paws360-backend', {})).toBe(false);
    expect(docker.getNetwork).toHaveBeenCalledWith('aaa');
    expect(network.remove).toHaveBeenCalledTimes(1);

    // Meanwhile containers and connects go to the winner by id, never by the ambiguous name.
    docker.listNetworks.mockResolvedValue([loser, winner, { Name: 'paws360-backend-2', Id: 'other', Created: '2026-11-22T09:00:00Z' }]);
    docker.getNetwork.mockClear();
    await runtime.connectNetwork('paws360-backend', 'c1', ['etcd-1']);
    expect(docker.getNetwork).toHaveBeenCalledWith('zzz');
    expect(network.connect).toHaveBeenCalledWith({ Container: 'c1', EndpointConfig: { Aliases: ['etcd-1'] } });
  });

  it('compareCreated orders nanosecond times numerically', () => {
    expect(compareCreated('2026-11-22T10:00:00.1Z', '2026-11-22T10:00:00.12Z')).toBe(-1);
    expect(compareCreated('2026-11-22T10:00:01Z', '2026-11-22T10:00:00.999999999Z')).toBe(1);
    expect(compareCreated('2026-11-22T10:00:00.5Z', '2026-11-22T10:00:00.500Z')).toBe(0);
  });

  it('volumes on Podman: several label filters are ORed by the engine, so every label is checked again', async () => {
    const { docker, runtime } = stubDocker();
    const stack = 'io.paws360.stack';
    const service = 'io.paws360.service';
    // What Podman 4.3 answers to label=stack=it AND label=service=etcd: either label matching is enough for it.
    docker.listVolumes.mockResolvedValue({
      Volumes: [
        { Name: 'it-etcd-1-data', Labels: { [stack]: 'it', [service]: 'etcd' } },
        { Name: 'it-redis-1-data', Labels: { [stack]: 'it', [service]: 'redis' } },
        { Name: 'dev-etcd-1-data', Labels: { [stack]: 'paws360', [service]: 'etcd' } },
        { Name: 'unlabelled', Labels: null },
      ],
    });
    expect(await runtime.listVolumes({ [stack]: 'it', [service]: 'etcd' })).toEqual(['it-etcd-1-data']);
    expect(docker.listVolumes).toHaveBeenCalledWith({ filters: { label: [`${stack}=it`, `${service}=etcd`] } });
    expect(await runtime.listVolumes({ [stack]: 'it' })).toEqual(['it-etcd-1-data', 'it-redis-1-data']);
  });

  it('volumes: created only when missing, listed by label, a gone one removes fine', async () => {
    const { docker, volume, runtime } = stubDocker();
    volume.inspect.mockResolvedValueOnce({}).mockRejectedValueOnce(engineError(404, 'no such volume'));
    expect(await runtime.ensureVolume('v', {})).toBe(false);
    expect(docker.createVolume).not.toHaveBeenCalled();
    expect(await runtime.ensureVolume('v', { a: 'b' })).toBe(true);
    expect(docker.createVolume).toHaveBeenCalledWith({ Name: 'v', Labels: { a: 'b' } });
    docker.listVolumes.mockResolvedValue({ Volumes: [{ Name: 'b', Labels: { a: 'b' } }, { Name: 'a', Labels: { a: 'b', c: 'd' } }] });
    expect(await runtime.listVolumes({ a: 'b' })).toEqual(['a', 'b']);
    volume.remove.mockRejectedValue(engineError(404, 'gone'));
    await expect(runtime.removeVolume('v')).resolves.toBeUndefined();
    volume.remove.mockRejectedValue(engineError(409, 'volume is in use'));
    await expect(runtime.removeVolume('v')).rejects.toThrow('docker volume rm v failed: volume is in use');
  });

  it('volumeLabels: a volume’s labels (Podman’s null as none), undefined when there is no such volume, other errors named', async () => {
    const { volume, runtime } = stubDocker();
    volume.inspect
      .mockResolvedValueOnce({ Name: 'v', Labels: { a: 'b' } })
      .mockResolvedValueOnce({ Name: 'v', Labels: null })
      .mockRejectedValueOnce(engineError(404, 'no such volume'))
      .mockRejectedValueOnce(engineError(500, 'boom'));
    expect(await runtime.volumeLabels('v')).toEqual({ a: 'b' });
    expect(await runtime.volumeLabels('v')).toEqual({});
    expect(await runtime.volumeLabels('v')).toBeUndefined();
    await expect(runtime.volumeLabels('v')).rejects.toThrow('docker volume inspect v failed: boom');
  });
});
