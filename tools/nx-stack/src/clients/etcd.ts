import { httpJson } from './http';

const b64 = (text: string) => Buffer.from(text).toString('base64');

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
