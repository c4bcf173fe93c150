import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** A reply: bulk string, `{ status }` (+OK), integer, nil, array, or an error reply. */
export type RespReply = string | { status: string } | number | null | Error | RespReply[];

export interface FakeRedisConnection {
  /** Set once AUTH succeeded (always true when the server has no password). */
  authed: boolean;
}

function encode(reply: RespReply): string {
  if (reply === null) return '$-1\r\n';
  if (reply instanceof Error) return `-${reply.message}\r\n`;
  if (typeof reply === 'number') return `:${reply}\r\n`;
  if (typeof reply === 'string') return `$${Buffer.byteLength(reply)}\r\n${reply}\r\n`;
  if (Array.isArray(reply)) return `*${reply.length}\r\n${reply.map(encode).join('')}`;
  return `+${reply.status}\r\n`;
}

/** Parses the complete commands (arrays of bulk strings) at the start of `buffer`; returns them and the rest. */
function parseCommands(buffer: Buffer): { commands: string[][]; rest: Buffer } {
  const commands: string[][] = [];
  let offset = 0;
  for (;;) {
    const start = offset;
    const readLine = () => {
      const end = buffer.indexOf('\r\n', offset);
      if (end < 0) return undefined;
      const line = buffer.subarray(offset, end).toString();
      offset = end + 2;
      return line;
    };
    const header = readLine();
    if (header === undefined || !header.startsWith('*')) return { commands, rest: buffer.subarray(start) };
    const args: string[] = [];
    const count = Number(header.slice(1));
    for (let i = 0; i < count; i++) {
      const len = readLine();
      if (len === undefined || offset + Number(len.slice(1)) + 2 > buffer.length) return { commands, rest: buffer.subarray(start) };
      args.push(buffer.subarray(offset, offset + Number(len.slice(1))).toString());
      offset += Number(len.slice(1)) + 2;
    }
    commands.push(args);
  }
}

/**
 * A tiny server speaking the Redis protocol (RESP2) on 127.0.0.1, answering
 * through `handler`, for specs of code that uses a real ioredis client. It
 * checks AUTH when given a password (NOAUTH otherwise), like Redis does.
 */
export class FakeRedisServer {
  /** Every command received, upper-cased name first. */
  readonly commands: string[][] = [];
  connections = 0;
  /** The port it listens on (127.0.0.1), set once started. */
  port = 0;
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;

  static async start(
    handler: (command: string[], connection: FakeRedisConnection) => RespReply,
    options: { password?: string } = {},
  ): Promise<FakeRedisServer> {
    const fake = new FakeRedisServer();
    const server = createServer((socket) => {
      fake.connections += 1;
      fake.sockets.add(socket);
      socket.on('close', () => fake.sockets.delete(socket));
      socket.on('error', () => undefined);
      const connection: FakeRedisConnection = { authed: options.password === undefined };
      let pending: Buffer = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        const { commands, rest } = parseCommands(Buffer.concat([pending, chunk]));
        pending = rest;
        for (const [name, ...args] of commands) {
          const command = [name.toUpperCase(), ...args];
          fake.commands.push(command);
          let reply: RespReply;
          if (command[0] === 'AUTH') {
            connection.authed = args[args.length - 1] === options.password;
            reply = connection.authed ? { status: 'OK' } : new Error('WRONGPASS invalid username-password pair or user is disabled.');
          } else if (!connection.authed) {
            reply = new Error('NOAUTH Authentication required.');
          } else {
            try {
              reply = handler(command, connection);
            } catch (error) {
              reply = error as Error;
            }
          }
          socket.write(encode(reply));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake.server = server;
    fake.port = (server.address() as AddressInfo).port;
    return fake;
  }

  /** Connections open right now. */
  openConnections(): number {
    return this.sockets.size;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A port on 127.0.0.1 where nothing listens (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
