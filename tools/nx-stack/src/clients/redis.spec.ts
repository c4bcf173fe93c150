import { FakeRedisServer, closedPort } from '../testing/fake-redis-server';
import { connectRedis, pairs, parseCommaFields, parseInfo } from './redis';

describe('INFO and Sentinel reply parsing', () => {
  it('parseInfo: key:value lines, sections and blanks skipped, values may hold colons', () => {
    expect(parseInfo('# Replication\r\nrole:master\r\n\r\nslave0:ip=redis-2,port=6379\r\nexecutable:/usr/bin/redis-server\r\n')).toEqual({
      role: 'master',
      slave0: 'ip=redis-2,port=6379',
      executable: '/usr/bin/redis-server',
    });
  });

  it('parseCommaFields and pairs', () => {
    expect(parseCommaFields('keys=3,expires=0,avg_ttl=0')).toEqual({ keys: '3', expires: '0', avg_ttl: '0' });
    expect(pairs(['name', 'mymaster', 'num-slaves', '2'])).toEqual({ name: 'mymaster', 'num-slaves': '2' });
    expect(pairs(null)).toEqual({});
  });
});

describe('connectRedis against an imitation server', () => {
  let server: FakeRedisServer;
  afterEach(async () => server?.close());

  it('authenticates with the password, returns the reply and always closes the connection', async () => {
    server = await FakeRedisServer.start((cmd) => (cmd[0] === 'INFO' ? '# Replication\r\nrole:master\r\n' : new Error('ERR unknown')), {
      password: 'pw',
    });
    const reply = await connectRedis(server.port, 'pw', (link) => link.command('INFO', 'replication'));
    expect(reply).toBe('# Replication\r\nrole:master\r\n');
    expect(server.commands).toEqual([['AUTH', 'pw'], ['INFO', 'replication']]);
    await new Promise((r) => setTimeout(r, 20));
    expect(server.openConnections()).toBe(0);
  });

  it('a wrong password is an error, and the connection is closed too', async () => {
    server = await FakeRedisServer.start(() => 'x', { password: 'pw' });
    await expect(connectRedis(server.port, 'nope', (link) => link.command('INFO'))).rejects.toThrow(/WRONGPASS/);
    await new Promise((r) => setTimeout(r, 20));
    expect(server.openConnections()).toBe(0);
  });

  it('an error reply rejects the command (e.g. NOQUORUM from CKQUORUM)', async () => {
    server = await FakeRedisServer.start(() => new Error('NOQUORUM 1 usable Sentinels. Not enough available Sentinels to reach the specified quorum'));
    await expect(connectRedis(server.port, undefined, (link) => link.command('SENTINEL', 'CKQUORUM', 'mymaster'))).rejects.toThrow(
      /^NOQUORUM 1 usable Sentinels/,
    );
  });

  it('nothing listening: fails at once, one attempt, no retries', async () => {
    const port = await closedPort();
    const started = Date.now();
    await expect(connectRedis(port, 'pw', (link) => link.command('PING'))).rejects.toThrow(/ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
