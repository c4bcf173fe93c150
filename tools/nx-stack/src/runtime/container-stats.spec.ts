// The stats arithmetic and call over a stubbed dockerode (the real one is never loaded).
jest.mock('dockerode', () => jest.fn());

import type Docker from 'dockerode';
import { DockerodeRuntime, containerStatsFrom } from './dockerode-runtime';
import { EngineUnavailableError, RuntimeOperationError } from './runtime-errors';

/** A cgroup v2 answer of the engine (Docker 20.10), trimmed to what we read. */
const sample = {
  cpu_stats: { cpu_usage: { total_usage: 2_000_000_000 }, system_cpu_usage: 40_000_000_000, online_cpus: 4 },
  precpu_stats: { cpu_usage: { total_usage: 1_000_000_000 }, system_cpu_usage: 30_000_000_000 },
  memory_stats: { usage: 120 * 1024 ** 2, limit: 256 * 1024 ** 2, stats: { inactive_file: 20 * 1024 ** 2 } },
  networks: { eth0: { rx_bytes: 1000, tx_bytes: 300 }, eth1: { rx_bytes: 24, tx_bytes: 0 } },
  blkio_stats: { io_service_bytes_recursive: [{ op: 'read', value: 4096 }, { op: 'write', value: 8192 }, { op: 'read', value: 4096 }] },
  pids_stats: { current: 7 },
};

describe('containerStatsFrom (docker stats’ arithmetic)', () => {
  it('CPU % = container delta / system delta × CPUs × 100; memory without the page cache; network and block I/O summed', () => {
    expect(containerStatsFrom(sample)).toEqual({
      cpuPercent: 40,
      memoryBytes: 100 * 1024 ** 2,
      memoryLimitBytes: 256 * 1024 ** 2,
      networkRxBytes: 1024,
      networkTxBytes: 300,
      blockReadBytes: 8192,
      blockWriteBytes: 8192,
      pids: 7,
    });
  });

  it('cgroup v1: the cache is total_inactive_file, CPUs from percpu_usage, ops capitalised', () => {
    const v1 = {
      ...sample,
      cpu_stats: { cpu_usage: { total_usage: 2_000_000_000, percpu_usage: [1, 2] }, system_cpu_usage: 40_000_000_000 },
      memory_stats: { usage: 50, limit: 100, stats: { total_inactive_file: 10 } },
      blkio_stats: { io_service_bytes_recursive: [{ op: 'Read', value: 1 }, { op: 'Write', value: 2 }, { op: 'Total', value: 3 }] },
    };
    expect(containerStatsFrom(v1)).toMatchObject({ cpuPercent: 20, memoryBytes: 40, blockReadBytes: 1, blockWriteBytes: 2 });
  });

  it('a first sample (no previous read), a stopped container: zeros, never NaN', () => {
    expect(containerStatsFrom({})).toEqual({ cpuPercent: 0, memoryBytes: 0, memoryLimitBytes: 0, networkRxBytes: 0, networkTxBytes: 0, blockReadBytes: 0, blockWriteBytes: 0, pids: 0 });
    expect(containerStatsFrom({ ...sample, precpu_stats: {}, blkio_stats: { io_service_bytes_recursive: null } })).toMatchObject({ cpuPercent: 0, memoryBytes: 100 * 1024 ** 2, blockReadBytes: 0 });
  });
});

describe('DockerodeRuntime.stats', () => {
  const runtimeWith = (stats: jest.Mock) => {
    const container = { stats };
    const docker = { getContainer: jest.fn(() => container) };
    return { docker, runtime: new DockerodeRuntime(docker as unknown as Docker) };
  };

  it('asks for one sample (stream false) and converts it', async () => {
    const stats = jest.fn().mockResolvedValue(sample);
    const { docker, runtime } = runtimeWith(stats);
    expect((await runtime.stats('abcdef0123456789')).cpuPercent).toBe(40);
    expect(docker.getContainer).toHaveBeenCalledWith('abcdef0123456789');
    expect(stats).toHaveBeenCalledWith({ stream: false });
  });

  it('an engine error names the operation; a dead engine is EngineUnavailableError', async () => {
    const notFound = Object.assign(new Error('(HTTP code 404) no such container'), { statusCode: 404, json: { message: 'No such container: abc' } });
    let error = await runtimeWith(jest.fn().mockRejectedValue(notFound)).runtime.stats('abcdef0123456789').catch((e: Error) => e);
    expect(error).toBeInstanceOf(RuntimeOperationError);
    expect((error as Error).message).toContain('docker stats --no-stream abcdef012345');
    error = await runtimeWith(jest.fn().mockRejectedValue(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).runtime.stats('x').catch((e: Error) => e);
    expect(error).toBeInstanceOf(EngineUnavailableError);
  });
});
