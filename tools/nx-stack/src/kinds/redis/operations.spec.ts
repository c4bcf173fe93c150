import type { ServiceDefinition } from '../../core/service-config';
import { FakeRedisServer, type RespReply } from '../../testing/fake-redis-server';
import type { MemberView, ProbeContext } from '../kind';
import { findRedisMaster, flushRedis } from './operations';

const PASSWORD = 'pw';

/** A Redis that answers INFO with its role and keyspace, and empties itself on FLUSHALL. */
async function fakeRedis(role: 'master' | 'slave', keys: number): Promise<FakeRedisServer & { keys: () => number }> {
  let held = keys;
  const server = await FakeRedisServer.start(
    (command): RespReply => {
      if (command[0] === 'INFO' && command[1] === 'replication') return `# Replication\r\nrole:${role}\r\n`;
      if (command[0] === 'INFO' && command[1] === 'keyspace') return held ? `# Keyspace\r\ndb0:keys=${held - 1},expires=0\r\ndb1:keys=1,expires=1\r\n` : '# Keyspace\r\n';
      if (command[0] === 'FLUSHALL') return (held = 0), { status: 'OK' };
      return { status: 'OK' };
    },
    { password: PASSWORD },
  );
  return Object.assign(server, { keys: () => held });
}

const member = (n: number, port: number, running = true): MemberView => ({
  member: n,
  containerName: `paws360-redis-${n}`,
  hostname: `redis-${n}`,
  running,
  hostPorts: { redis: port },
});

const context = (members: MemberView[]): ProbeContext => ({
  runtime: undefined as never,
  stack: 'paws360',
  service: { name: 'redis' } as ServiceDefinition,
  members,
  secrets: { REDIS_PASSWORD: PASSWORD },
  secret: () => PASSWORD,
});

describe('redis operations', () => {
  const servers: FakeRedisServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  const start = async (role: 'master' | 'slave', keys: number) => {
    const server = await fakeRedis(role, keys);
    servers.push(server);
    return server;
  };

  it('flush finds the member that says it is master, counts its keys over every database, and FLUSHALLs it alone', async () => {
    const replica = await start('slave', 7);
    const master = await start('master', 7);
    const result = await flushRedis(context([member(1, replica.port), member(2, master.port)]));
    expect(result).toEqual({ master: 'paws360-redis-2', keysRemoved: 7 });
    expect(master.keys()).toBe(0);
    expect(replica.commands.some((c) => c[0] === 'FLUSHALL')).toBe(false);
  });

  it('no master: a StackError that says what each member answered and how to repair it', async () => {
    const replica = await start('slave', 0);
    const error = await findRedisMaster(context([member(1, replica.port), member(2, 1, false)])).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('redis has no master answering in stack "paws360" (paws360-redis-1: replica). Start or repair it: npx nx run redis:up');
  });
});
