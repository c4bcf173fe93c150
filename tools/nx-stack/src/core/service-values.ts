/**
 * The plain values service.json's schema (service-config.ts) is built on,
 * in a module of their own: importing them loads no zod and builds no schema.
 */

/** The probes the plugin knows: each decides what "healthy" means for its kind. */
export const SERVICE_KINDS = ['etcd', 'patroni', 'router', 'redis', 'sentinel', 'http', 'prometheus'] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

/** "256m", "1g", "512k": a memory size with its unit (binary: m = MiB). */
const MEMORY_UNITS: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
export const memoryBytes = (size: string) => Math.round(Number(size.slice(0, -1)) * MEMORY_UNITS[size.slice(-1).toLowerCase()]);
