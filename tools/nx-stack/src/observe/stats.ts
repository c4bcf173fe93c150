import { statfsSync } from 'node:fs';
import { LABELS, stackLabels } from '../core/naming';
import type { ContainerRuntime, ContainerStats } from '../runtime/container-runtime';

export interface ContainerUsage extends ContainerStats {
  name: string;
  service: string;
  member: number;
  state: string;
}

export type UsageTotals = Omit<ContainerStats, 'memoryLimitBytes'>;

export interface EngineCapacity {
  memoryBytes: number;
  cpus: number;
  /** The engine's disk (where it keeps images and volumes), when it is on this host. */
  disk?: { path: string; freeBytes: number; totalBytes: number };
}

export interface StackStats {
  stack: string;
  containers: ContainerUsage[];
  total: UsageTotals;
  engine: EngineCapacity;
  warnings: string[];
  durationMs: number;
}

/** When a warning is due (FR-019): the share of the engine's memory or disk in use, or of a member's own limit. */
export const STATS_THRESHOLDS = { engineMemory: 0.8, memberMemory: 0.9, diskUsed: 0.9, diskFreeBytes: 2 * 1024 ** 3 };

const ZERO: UsageTotals = { cpuPercent: 0, memoryBytes: 0, networkRxBytes: 0, networkTxBytes: 0, blockReadBytes: 0, blockWriteBytes: 0, pids: 0 };

export function diskOf(path: string | undefined): EngineCapacity['disk'] {
  if (!path) return undefined;
  try {
    const fs = statfsSync(path);
    return { path, freeBytes: fs.bavail * fs.bsize, totalBytes: fs.blocks * fs.bsize };
  } catch {
    return undefined; // Docker Desktop's VM or a remote DOCKER_HOST: not this host's disk
  }
}

const MiB = (bytes: number) => `${Math.round(bytes / 1024 ** 2)} MiB`;
const GiB = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
const pct = (share: number) => `${Math.round(share * 100)}%`;

/** What deserves a warning: members near their own limit, the stack near the engine's memory, the engine's disk nearly full. */
export function usageWarnings(containers: ContainerUsage[], total: UsageTotals, engine: EngineCapacity): string[] {
  const warnings: string[] = [];
  for (const c of containers) {
    if (c.memoryLimitBytes > 0 && c.memoryLimitBytes < engine.memoryBytes && c.memoryBytes >= STATS_THRESHOLDS.memberMemory * c.memoryLimitBytes) {
      warnings.push(`${c.name} uses ${MiB(c.memoryBytes)} of its ${MiB(c.memoryLimitBytes)} limit (${pct(c.memoryBytes / c.memoryLimitBytes)}): the engine kills it at the limit; raise resources.memory in its service.json`);
    }
  }
  if (engine.memoryBytes > 0 && total.memoryBytes >= STATS_THRESHOLDS.engineMemory * engine.memoryBytes) {
    warnings.push(`the stack uses ${MiB(total.memoryBytes)} of the engine's ${MiB(engine.memoryBytes)} (${pct(total.memoryBytes / engine.memoryBytes)}): give the engine more memory or stop other containers`);
  }
  const disk = engine.disk;
  if (disk && disk.totalBytes > 0 && (disk.freeBytes < STATS_THRESHOLDS.diskFreeBytes || 1 - disk.freeBytes / disk.totalBytes >= STATS_THRESHOLDS.diskUsed)) {
    warnings.push(`the engine's disk (${disk.path}) has ${GiB(disk.freeBytes)} free of ${GiB(disk.totalBytes)}: remove unused images (docker image prune) or grow the disk`);
  }
  return warnings;
}

/** One sample of every running container of the stack (in parallel: about one engine sampling interval in all), totals and warnings. */
export async function stackStats(runtime: ContainerRuntime, stack: string, disk: (path: string | undefined) => EngineCapacity['disk'] = diskOf): Promise<StackStats> {
  const started = performance.now();
  const [containers, info] = await Promise.all([runtime.listContainers(stackLabels(stack)), runtime.engineInfo()]);
  const usage = await Promise.all(
    containers
      .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }))
      .map(async (c): Promise<ContainerUsage> => {
        const base = { name: c.name, service: c.labels[LABELS.service] ?? '', member: Number(c.labels[LABELS.member] ?? 0), state: c.state };
        if (c.state !== 'running') return { ...base, ...ZERO, memoryLimitBytes: 0 };
        // A container that stops between the list and its sample counts as using nothing.
        const stats = await runtime.stats(c.id).catch(() => ({ ...ZERO, memoryLimitBytes: 0 }));
        return { ...base, ...stats };
      }),
  );
  const total = usage.reduce<UsageTotals>(
    (sum, c) => ({
      cpuPercent: sum.cpuPercent + c.cpuPercent,
      memoryBytes: sum.memoryBytes + c.memoryBytes,
      networkRxBytes: sum.networkRxBytes + c.networkRxBytes,
      networkTxBytes: sum.networkTxBytes + c.networkTxBytes,
      blockReadBytes: sum.blockReadBytes + c.blockReadBytes,
      blockWriteBytes: sum.blockWriteBytes + c.blockWriteBytes,
      pids: sum.pids + c.pids,
    }),
    { ...ZERO },
  );
  const engine: EngineCapacity = { memoryBytes: info.memoryBytes, cpus: info.cpus, disk: disk(info.rootDir) };
  return { stack, containers: usage, total, engine, warnings: usageWarnings(usage, total, engine), durationMs: Math.round(performance.now() - started) };
}

/** Bytes as docker stats writes them: 1.5 GiB, 12.3 MiB, 800 KiB, 0 B. */
export function humanBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`;
}
