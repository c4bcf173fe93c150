import { connect, createServer, type Server } from 'node:net';
import { isPortFree } from './port-check';
import { findPortOwner, listeningInodes } from './port-owner';

const TABLE = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000   106        0 31337 1 0000000000000000 100 0 0 10 0
   1: 0100007F:1538 0100007F:A2C4 01 00000000:00000000 00:00000000 00000000   106        0 31338 1 0000000000000000 20 4 30 10 -1
   2: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4444 1 0000000000000000 100 0 0 10 0`;

describe('port owner', () => {
  it('reads the listening sockets of a port from /proc/net/tcp text (not its connections)', () => {
    expect([...listeningInodes(5432, [TABLE])]).toEqual(['31337']);
    expect([...listeningInodes(80, [TABLE])]).toEqual(['4444']);
    expect([...listeningInodes(6379, [TABLE])]).toEqual([]);
  });

  const linux = process.platform === 'linux' ? it : it.skip;
  linux('finds this very process listening on a real port', async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      expect(findPortOwner(port)).toEqual({ pid: process.pid, command: expect.stringContaining('node') });
    } finally {
      server.close();
    }
  });

  linux('a port held as the local port of an outgoing connection is busy, yet no listener owns it (docs/troubleshooting.md)', async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = connect((server.address() as { port: number }).port, '127.0.0.1');
    try {
      await new Promise<void>((resolve, reject) => client.once('connect', resolve).once('error', reject));
      // The kernel gave the connection a port of its ephemeral range, as it does for any outgoing connection.
      const local = client.localPort as number;
      expect(await isPortFree(local)).toBe(false);
      expect(findPortOwner(local)).toBeUndefined();
    } finally {
      client.destroy();
      server.close();
    }
  });
});
