/**
 * A small self-hosted Nx remote cache: the "build your own caching server"
 * OpenAPI of Nx >= 20.8 (GET/PUT /v1/cache/{hash}), with the artifacts kept as
 * files in one directory. Only node:http, node:fs and node:crypto.
 *
 * What Nx 23 expects of it (nx/src/native/cache/http_remote_cache.rs):
 * - GET  200 + the tar.gz body: a hit; 404: a miss; anything else is an error.
 * - PUT  200: stored; 409: the hash is already there (Nx keeps going);
 *        403: not allowed to write (Nx keeps going, e.g. a read-only token).
 *        Only 200 counts as success (the nx.dev page once said 202): any
 *        other status is a "Misconfigured remote cache endpoint" error that
 *        Nx retries, so a 202 shows up as a PUT, then a 409 on the retry.
 * - 401 must be `text/plain`: the body is shown to the user; a 401 with any
 *   other content type reads as a misconfigured endpoint.
 *
 * Writes are atomic and first-writer-wins: the body streams into a temp file
 * in <dir>/.tmp, is checked against Content-Length (so a cut upload is never
 * served as a damaged artifact), flushed, then hard-linked to <dir>/<hash>;
 * link() fails with EEXIST if another upload got there first (-> 409).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, readdir, stat, unlink } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

export interface CacheServerOptions {
  /** Directory holding one file per task hash (created if missing). */
  storageDir: string;
  /** Bearer token allowed to read and write. Unset: no authentication at all. */
  token?: string;
  /** Optional bearer token that may only read (its PUTs get 403). */
  readOnlyToken?: string;
  /** Largest accepted upload in bytes (413 above it). Default 1 GiB. */
  maxUploadBytes?: number;
  /** Called once per finished request (for logs and tests). */
  onRequest?: (entry: RequestLogEntry) => void;
}

export interface ListenOptions {
  /** Interface to bind. Default 127.0.0.1: put TLS in front before widening it. */
  host?: string;
  /** Port; 0 picks a free one. Default 0. */
  port?: number;
}

export type CacheOutcome =
  | 'hit'
  | 'miss'
  | 'stored'
  | 'conflict'
  | 'unauthorized'
  | 'forbidden'
  | 'bad-request'
  | 'too-large'
  | 'not-found'
  | 'method-not-allowed'
  | 'error';

export interface RequestLogEntry {
  method: string;
  hash: string | null;
  status: number;
  outcome: CacheOutcome;
  bytes: number;
  ms: number;
}

export interface RunningCacheServer {
  server: Server;
  /** e.g. http://127.0.0.1:41234 — the value for NX_SELF_HOSTED_REMOTE_CACHE_SERVER. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const CACHE_PATH = /^\/v1\/cache\/([^/?#]+)\/?(?:\?.*)?$/;
// Nx hashes are decimal digits today; allow a conservative superset, and
// nothing that could name a parent or hidden path.
const VALID_HASH = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const TMP_DIR = '.tmp';
const DEFAULT_MAX_UPLOAD = 1024 * 1024 * 1024;

type Access = 'write' | 'read' | 'none';

export function createCacheRequestHandler(options: CacheServerOptions) {
  const { storageDir } = options;
  const tmpDir = join(storageDir, TMP_DIR);
  const maxUpload = options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD;
  const writeDigest = options.token ? digest(options.token) : null;
  const readDigest = options.readOnlyToken ? digest(options.readOnlyToken) : null;

  function accessOf(req: IncomingMessage): Access {
    if (!writeDigest && !readDigest) return 'write';
    const header = req.headers.authorization ?? '';
    const match = /^Bearer[ \t]+(.+)$/i.exec(header);
    if (!match) return 'none';
    const given = digest(match[1].trim());
    if (writeDigest && timingSafeEqual(given, writeDigest)) return 'write';
    if (readDigest && timingSafeEqual(given, readDigest)) return 'read';
    return 'none';
  }

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const method = req.method ?? '';
    let hash: string | null = null;
    let bytes = 0;
    const finish = (status: number, outcome: CacheOutcome, body?: string, headers: Record<string, string> = {}) => {
      if (!res.headersSent) {
        res.writeHead(status, body === undefined ? headers : { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
      }
      res.end(body);
      options.onRequest?.({ method, hash, status, outcome, bytes, ms: Date.now() - started });
    };
    // A request we answer without reading its body: drop the rest of it so a
    // kept-alive connection is not left with half an upload in the pipe.
    const discardBody = () => {
      req.resume();
    };

    try {
      const match = CACHE_PATH.exec(req.url ?? '');
      if (!match) {
        discardBody();
        return finish(404, 'not-found', 'Not found: use /v1/cache/{hash}\n');
      }
      hash = safeDecode(match[1]);
      if (hash === null || !VALID_HASH.test(hash)) {
        discardBody();
        return finish(400, 'bad-request', 'Invalid hash\n');
      }
      if (method !== 'GET' && method !== 'PUT') {
        discardBody();
        return finish(405, 'method-not-allowed', 'Only GET and PUT\n', { Allow: 'GET, PUT' });
      }

      const access = accessOf(req);
      if (access === 'none') {
        discardBody();
        // Nx shows this text; it must be text/plain (see the top of the file).
        return finish(401, 'unauthorized', 'Missing or invalid remote cache access token\n', {
          'Content-Type': 'text/plain',
          'WWW-Authenticate': 'Bearer',
        });
      }

      const file = join(storageDir, hash);

      if (method === 'GET') {
        const info = await stat(file).catch((e: NodeJS.ErrnoException) => {
          if (e.code === 'ENOENT') return null;
          throw e;
        });
        if (!info || !info.isFile()) return finish(404, 'miss');
        res.writeHead(200, {
          'Content-Type': 'application/octet-stream',
          'Content-Length': String(info.size),
        });
        bytes = info.size;
        await pipeline(createReadStream(file), res);
        options.onRequest?.({ method, hash, status: 200, outcome: 'hit', bytes, ms: Date.now() - started });
        return;
      }

      // PUT
      if (access !== 'write') {
        discardBody();
        return finish(403, 'forbidden', 'This token may only read from the cache\n');
      }
      if (await exists(file)) {
        discardBody();
        return finish(409, 'conflict', 'Cannot override an existing record\n');
      }
      const lengthHeader = req.headers['content-length'];
      const expected = lengthHeader === undefined ? NaN : Number(lengthHeader);
      if (!Number.isSafeInteger(expected) || expected < 0) {
        discardBody();
        return finish(411, 'bad-request', 'Content-Length is required\n', { Connection: 'close' });
      }
      if (expected > maxUpload) {
        discardBody();
        return finish(413, 'too-large', `Upload larger than ${maxUpload} bytes\n`, { Connection: 'close' });
      }

      await mkdir(tmpDir, { recursive: true });
      const tmp = join(tmpDir, `${hash}.${process.pid}.${randomBytes(6).toString('hex')}`);
      try {
        req.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
        });
        await pipeline(req, createWriteStream(tmp, { flags: 'wx', flush: true }));
        if (bytes !== expected) {
          return finish(400, 'bad-request', `Body was ${bytes} bytes, Content-Length said ${expected}\n`);
        }
        try {
          await link(tmp, file);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
            return finish(409, 'conflict', 'Cannot override an existing record\n');
          }
          throw e;
        }
        return finish(200, 'stored');
      } finally {
        await unlink(tmp).catch(() => undefined);
      }
    } catch (e) {
      if (res.headersSent) {
        // Mid-stream failure: cut the connection so the client sees a short body.
        res.destroy(e as Error);
        options.onRequest?.({ method, hash, status: res.statusCode, outcome: 'error', bytes, ms: Date.now() - started });
        return;
      }
      if (req.destroyed || req.readableAborted) {
        // The client went away mid-upload: nothing to answer.
        options.onRequest?.({ method, hash, status: 499, outcome: 'error', bytes, ms: Date.now() - started });
        return;
      }
      return finish(500, 'error', 'Internal cache server error\n');
    }
  };
}

/** Creates the storage directory, clears stale temp files, and listens. */
export async function startCacheServer(
  options: CacheServerOptions & ListenOptions,
): Promise<RunningCacheServer> {
  await mkdir(join(options.storageDir, TMP_DIR), { recursive: true });
  await clearTemp(join(options.storageDir, TMP_DIR));
  const handler = createCacheRequestHandler(options);
  const server = createServer((req, res) => {
    void handler(req, res);
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    server,
    port,
    url: `http://${urlHost}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function safeDecode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

/** Removes uploads a crashed run left behind (older than an hour, so a
 * second server sharing the directory keeps its in-flight ones). */
async function clearTemp(dir: string): Promise<void> {
  const cutoff = Date.now() - 60 * 60 * 1000;
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => null);
    if (info && info.mtimeMs < cutoff) await unlink(path).catch(() => undefined);
  }
}
