import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** What the imitation answers to the router probe's query. */
export interface FakePostgresState {
  inRecovery: boolean;
  /** current_setting('primary_conninfo') on a replica. */
  conninfo: string | null;
  /** The password it asks for (cleartext authentication). */
  password: string;
}

/**
 * Just enough of the PostgreSQL wire protocol (v3) for a pg client to connect
 * with a password and run one simple query: startup, cleartext password
 * authentication, and for every query one row (in_recovery, conninfo).
 * Records the users, databases and passwords clients sent.
 */
export class FakePostgresServer {
  readonly state: FakePostgresState;
  readonly logins: Array<{ user?: string; database?: string; password?: string }> = [];
  readonly queries: string[] = [];
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(state: Partial<FakePostgresState> = {}) {
    this.state = { inRecovery: false, conninfo: null, password: 'secret', ...state };
  }

  async start(): Promise<this> {
    this.server = createServer((socket) => this.serve(socket));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = Buffer.alloc(0);
    let started = false;
    const login: { user?: string; database?: string; password?: string } = {};
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (!started) {
          if (buffer.length < 4) return;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) return;
          const parts = buffer.subarray(8, length).toString('utf8').split('\0');
          for (let i = 0; i + 1 < parts.length; i += 2) {
            if (parts[i] === 'user') login.user = parts[i + 1];
            if (parts[i] === 'database') login.database = parts[i + 1];
          }
          buffer = buffer.subarray(length);
          started = true;
          socket.write(message('R', int32(3))); // AuthenticationCleartextPassword
          continue;
        }
        if (buffer.length < 5) return;
        const type = String.fromCharCode(buffer[0]);
        const length = buffer.readInt32BE(1);
        if (buffer.length < length + 1) return;
        const body = buffer.subarray(5, length + 1);
        buffer = buffer.subarray(length + 1);
        if (type === 'p') {
          login.password = body.toString('utf8').replace(/\0$/, '');
          this.logins.push(login);
          if (login.password !== this.state.password) {
            socket.end(errorMessage('28P01', `password authentication failed for user "${login.user}"`));
            return;
          }
          socket.write(
            Buffer.concat([
              message('R', int32(0)), // AuthenticationOk
              message('S', cstring('server_version'), cstring('15.20')),
              message('K', int32(1234), int32(5678)),
              message('Z', Buffer.from('I')),
            ]),
          );
        } else if (type === 'Q') {
          this.queries.push(body.toString('utf8').replace(/\0$/, ''));
          socket.write(
            Buffer.concat([
              message('T', int16(2), field('in_recovery', 16), field('conninfo', 25)),
              message('D', int16(2), cell(this.state.inRecovery ? 't' : 'f'), cell(this.state.inRecovery ? this.state.conninfo : null)),
              message('C', cstring('SELECT 1')),
              message('Z', Buffer.from('I')),
            ]),
          );
        } else if (type === 'X') {
          socket.end();
          return;
        }
      }
    });
  }
}

const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const int16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
};
const cstring = (text: string) => Buffer.from(`${text}\0`, 'utf8');
const message = (type: string, ...parts: Buffer[]) => {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from(type), int32(body.length + 4), body]);
};
const field = (name: string, typeOid: number) =>
  Buffer.concat([cstring(name), int32(0), int16(0), int32(typeOid), int16(-1), int32(-1), int16(0)]);
const cell = (value: string | null) => (value === null ? int32(-1) : Buffer.concat([int32(Buffer.byteLength(value)), Buffer.from(value)]));
const errorMessage = (code: string, text: string) =>
  message('E', Buffer.from('S'), cstring('FATAL'), Buffer.from('C'), cstring(code), Buffer.from('M'), cstring(text), Buffer.from([0]));
