import { httpJson } from './http';

/** etcd's v3 JSON gateway (etcd 3.4 serves it under /v3/ on the client port). */
export interface EtcdStatus {
  header: { cluster_id: string; member_id: string; revision: string; raft_term: string };
  version: string;
  dbSize: string;
  leader: string;
  raftIndex: string;
  raftTerm: string;
  /** etcd ≥ 3.4: the index the member has applied (raftIndex is what it has received). */
  raftAppliedIndex?: string;
}

export interface EtcdMember {
  ID: string;
  name: string;
  peerURLs?: string[];
  clientURLs?: string[];
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

/** GET /health: etcd's own verdict ({ health: "true" } when it has a leader and answers). */
export const etcdHealth = (port: number, timeoutMs?: number) =>
  httpJson<{ health: string; reason?: string }>(port, '/health', { timeoutMs });

export const etcdStatus = (port: number, timeoutMs?: number) =>
  httpJson<EtcdStatus>(port, '/v3/maintenance/status', { method: 'POST', body: {}, timeoutMs });

export async function etcdMembers(port: number): Promise<EtcdMember[]> {
  return (await httpJson<{ members?: EtcdMember[] }>(port, '/v3/cluster/member/list', { method: 'POST', body: {} })).members ?? [];
}

/** How many keys the cluster holds (key "\0" to range_end "\0" is etcd's way of saying "every key"). */
export async function etcdKeyCount(port: number): Promise<number> {
  const range = await httpJson<{ count?: string }>(port, '/v3/kv/range', { method: 'POST', body: { key: 'AA==', range_end: 'AA==', count_only: true } });
  return Number(range.count ?? 0);
}

/** A write through etcd's JSON gateway on a host port. */
export async function etcdPut(port: number, key: string, value: string): Promise<void> {
  await httpJson(port, '/v3/kv/put', { method: 'POST', body: { key: b64(key), value: b64(value) } });
}

/** A linearizable read (the member asks the leader), undefined when the key is absent. */
export async function etcdGet(port: number, key: string): Promise<string | undefined> {
  const result = await httpJson<{ kvs?: Array<{ value?: string }> }>(port, '/v3/kv/range', {
    method: 'POST',
    body: { key: b64(key) },
  });
  const value = result.kvs?.[0]?.value;
  return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
}

/** GET /version: the server's and the cluster's version ({ etcdserver: "3.4.23", etcdcluster: "3.4.0" }). */
export const etcdVersion = (port: number, timeoutMs?: number) =>
  httpJson<{ etcdserver: string; etcdcluster: string }>(port, '/version', { timeoutMs });
