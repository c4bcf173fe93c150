/**
 * Command line of the cache server: `nx run remote-cache:serve [--port=N] [--dir=PATH] [--host=ADDR]`.
 * Flags win over the environment (REMOTE_CACHE_HOST, REMOTE_CACHE_PORT,
 * REMOTE_CACHE_DIR). Tokens come from the environment only, never argv (which
 * any local user can read in `ps`): REMOTE_CACHE_TOKEN (read+write) and
 * REMOTE_CACHE_READ_TOKEN (read-only, optional).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startCacheServer } from './cache-server';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      dir: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(
      'usage: serve [--host=127.0.0.1] [--port=3333] [--dir=tmp/nx-remote-cache]\n' +
        'env: REMOTE_CACHE_TOKEN (read+write), REMOTE_CACHE_READ_TOKEN (read-only)',
    );
    return;
  }
  const env = process.env;
  const host = values.host ?? env.REMOTE_CACHE_HOST ?? '127.0.0.1';
  const port = Number(values.port ?? env.REMOTE_CACHE_PORT ?? 3333);
  const storageDir = resolve(values.dir ?? env.REMOTE_CACHE_DIR ?? 'tmp/nx-remote-cache');
  const token = env.REMOTE_CACHE_TOKEN || undefined;
  const readOnlyToken = env.REMOTE_CACHE_READ_TOKEN || undefined;

  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`invalid port: ${values.port ?? env.REMOTE_CACHE_PORT}`);
  }
  if (!token && !readOnlyToken) {
    if (!LOOPBACK.has(host)) {
      throw new Error(`refusing to serve an unauthenticated cache on ${host}: set REMOTE_CACHE_TOKEN`);
    }
    console.warn('remote-cache: no REMOTE_CACHE_TOKEN set: anyone who can reach this port can read and write');
  }

  const running = await startCacheServer({
    host,
    port,
    storageDir,
    token,
    readOnlyToken,
    onRequest: (e) =>
      console.log(`${e.method} ${e.hash ?? '-'} ${e.status} ${e.outcome} ${e.bytes}B ${e.ms}ms`),
  });
  console.log(`remote-cache: serving ${storageDir} at ${running.url}`);
  console.log(`remote-cache: export NX_SELF_HOSTED_REMOTE_CACHE_SERVER=${running.url}`);

  const stop = () => {
    void running.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(`remote-cache: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
