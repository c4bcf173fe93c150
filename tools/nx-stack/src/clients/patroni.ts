import { httpJson, httpRequest } from './http';

/**
 * Patroni 3.0's REST API (port 8008 of each member, published on 127.0.0.1).
 * GET /patroni describes the member's own PostgreSQL: `role` is "master" (or
 * "primary" from Patroni 4 on) exactly when PostgreSQL is not in recovery,
 * "replica" when it is; on the primary `replication` is its
 * pg_stat_replication. GET /cluster is the DCS (etcd) view: who holds the
 * leader key, who is the synchronous standby.
 */
export interface PatroniStatus {
  state: string;
  role: string;
  timeline?: number;
  xlog?: { location?: number; received_location?: number; replayed_location?: number; paused?: boolean };
  replication?: Array<{ usename?: string; application_name: string; client_addr?: string; state: string; sync_state: string }>;
  sync_standby?: boolean;
  database_system_identifier?: string;
  pause?: boolean;
  patroni?: { version?: string; scope?: string };
}

export interface PatroniClusterMember {
  name: string;
  role: string;
  state: string;
  host?: string;
  port?: number;
  timeline?: number;
  lag?: number | string;
}

export interface PatroniCluster {
  members: PatroniClusterMember[];
  scope?: string;
  pause?: boolean;
}

/** GET /config: the cluster's dynamic configuration in the DCS (the part the probe reads). */
export interface PatroniConfig {
  synchronous_mode?: boolean;
}

/** [timeline, lsn, reason, timestamp, new leader] per timeline switch. */
export type PatroniHistory = Array<[number, number, string, string?, string?]>;

export const patroniStatus = (apiPort: number, timeoutMs: number) => httpJson<PatroniStatus>(apiPort, '/patroni', { timeoutMs });
export const patroniCluster = (apiPort: number, timeoutMs: number) => httpJson<PatroniCluster>(apiPort, '/cluster', { timeoutMs });
export const patroniConfig = (apiPort: number, timeoutMs: number) => httpJson<PatroniConfig>(apiPort, '/config', { timeoutMs });
export const patroniHistory = (apiPort: number, timeoutMs: number) => httpJson<PatroniHistory>(apiPort, '/history', { timeoutMs });

/** POST /switchover on a member's REST API; Patroni answers in plain text, whatever the status. */
export async function patroniSwitchover(
  apiPort: number,
  body: { leader: string; candidate?: string },
  timeoutMs: number,
): Promise<{ status: number; text: string }> {
  const answer = await httpRequest(apiPort, '/switchover', { method: 'POST', body, timeoutMs });
  return { status: answer.status, text: answer.text.trim() };
}

/** POST /reinitialize on a replica's REST API: it wipes its data directory and clones the leader again. */
export async function patroniReinitialize(apiPort: number, timeoutMs: number): Promise<{ status: number; text: string }> {
  const answer = await httpRequest(apiPort, '/reinitialize', { method: 'POST', body: { force: true }, timeoutMs });
  return { status: answer.status, text: answer.text.trim() };
}
