import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startCacheServer, type RequestLogEntry, type RunningCacheServer } from './cache-server';

const REPO_ROOT = resolve(__dirname, '../../..');
const NX_BIN = join(REPO_ROOT, 'node_modules/.bin/nx');
const RW_TOKEN = 'rw-token-for-tests';
const RO_TOKEN = 'ro-token-for-tests';

let scratch: string;
let cache: RunningCacheServer;
let storageDir: string;
const requests: RequestLogEntry[] = [];

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'remote-cache-spec-'));
  storageDir = join(scratch, 'storage');
  cache = await startCacheServer({
    host: '127.0.0.1',
    port: 0,
    storageDir,
    token: RW_TOKEN,
    readOnlyToken: RO_TOKEN,
    onRequest: (e) => requests.push(e),
  });
});

afterAll(async () => {
  await cache?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** Requests the server finished since `mark` (an index into `requests`). */
const since = (mark: number) => requests.slice(mark).map((r) => `${r.method} ${r.status} ${r.outcome}`);

describe('cache server HTTP contract', () => {
  const url = (hash: string) => `${cache.url}/v1/cache/${hash}`;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  it('404 for a miss, 200 to store, 409 for a second store, 200 with the same bytes to read', async () => {
    const body = Buffer.from('not really a tarball \u0000\u00ff', 'latin1');
    expect((await fetch(url('111'), { headers: auth(RW_TOKEN) })).status).toBe(404);

    const put = await fetch(url('111'), { method: 'PUT', headers: auth(RW_TOKEN), body });
    expect(put.status).toBe(200); // Nx 23 treats only 200 as "stored"

    const again = await fetch(url('111'), { method: 'PUT', headers: auth(RW_TOKEN), body: 'other' });
    expect(again.status).toBe(409);

    const get = await fetch(url('111'), { headers: auth(RW_TOKEN) });
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await get.arrayBuffer())).toEqual(body);
  });

  it('401 as text/plain without a valid token; 403 when a read-only token writes', async () => {
    for (const headers of [{}, auth('nope'), { Authorization: RW_TOKEN }]) {
      const res = await fetch(url('111'), { headers });
      expect(res.status).toBe(401);
      // Nx reads any other content type on a 401 as a misconfigured server.
      expect(res.headers.get('content-type')).toBe('text/plain');
      expect(await res.text()).toMatch(/access token/);
    }
    expect((await fetch(url('111'), { headers: auth(RO_TOKEN) })).status).toBe(200);
    const put = await fetch(url('222'), { method: 'PUT', headers: auth(RO_TOKEN), body: 'x' });
    expect(put.status).toBe(403);
    expect(existsSync(join(storageDir, '222'))).toBe(false);
  });

  it('rejects hashes that could name another path, and other methods', async () => {
    for (const hash of ['..', '.tmp', '%2e%2e%2fetc', 'a%2fb', '%zz']) {
      const res = await fetch(url(hash), { method: 'PUT', headers: auth(RW_TOKEN), body: 'x' });
      expect([400, 404]).toContain(res.status);
    }
    expect((await fetch(url('111'), { method: 'DELETE', headers: auth(RW_TOKEN) })).status).toBe(405);
    expect((await readdir(storageDir)).sort()).toEqual(['.tmp', '111']);
  });

  it('never stores an upload cut short of its Content-Length', async () => {
    await new Promise<void>((done) => {
      const req = request(url('333'), {
        method: 'PUT',
        headers: { ...auth(RW_TOKEN), 'Content-Length': '1000' },
      });
      req.on('error', () => done());
      req.write('only part of the body', () => setTimeout(() => req.destroy(), 50));
      req.on('close', () => done());
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(join(storageDir, '333'))).toBe(false);
    expect(await readdir(join(storageDir, '.tmp'))).toEqual([]);
    expect((await fetch(url('333'), { headers: auth(RW_TOKEN) })).status).toBe(404);
  });
});

describe('real nx runs against the server', () => {
  let ws: string;
  let runLog: string;
  const output = () => join(ws, 'proj/out/result.txt');
  const runs = async () => (existsSync(runLog) ? (await readFile(runLog, 'utf8')).split('\n').filter(Boolean).length : 0);
  const wipeLocalCache = async () => {
    // Not just .nx/cache: Nx 23 keeps its cache index in .nx/workspace-data,
    // and with only .nx/cache gone it reports a "[local cache]" hit while
    // restoring nothing. Removing all of .nx is what a fresh clone looks like.
    await rm(join(ws, '.nx'), { recursive: true, force: true });
    await rm(join(ws, 'proj/out'), { recursive: true, force: true });
  };

  async function nx(token: string | undefined) {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) {
      // Drop whatever an outer `nx run remote-cache:test` exported
      // (NX_WORKSPACE_ROOT_PATH, NX_TASK_*, a real cache server, ...).
      if (v !== undefined && !k.startsWith('NX_')) env[k] = v;
    }
    Object.assign(env, {
      NX_DAEMON: 'false',
      NX_NO_CLOUD: 'true',
      NX_TUI: 'false',
      NO_COLOR: '1',
      NX_SELF_HOSTED_REMOTE_CACHE_SERVER: cache.url,
      RUN_LOG: runLog,
    });
    if (token !== undefined) env.NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN = token;
    const result = await execa(NX_BIN, ['run', 'proj:build', '--outputStyle=static'], {
      cwd: ws,
      env,
      extendEnv: false,
      reject: false,
      all: true,
      timeout: 40_000,
    });
    // eslint-disable-next-line no-control-regex
    return { code: result.exitCode, out: String(result.all ?? '').replace(/\u001b\[[0-9;]*m/g, '') };
  }

  beforeAll(async () => {
    ws = join(scratch, 'workspace');
    runLog = join(scratch, 'runs.log'); // outside the workspace: never an input or output
    await mkdir(join(ws, 'proj'), { recursive: true });
    await symlink(join(REPO_ROOT, 'node_modules'), join(ws, 'node_modules'), 'dir');
    await writeFile(join(ws, 'package.json'), JSON.stringify({ name: 'remote-cache-spec', version: '0.0.0', private: true }));
    await writeFile(join(ws, '.gitignore'), 'node_modules\n.nx\nproj/out\n');
    await writeFile(
      join(ws, 'nx.json'),
      JSON.stringify({ analytics: false, targetDefaults: { build: { cache: true } } }),
    );
    await writeFile(join(ws, 'proj/input.txt'), 'version 1\n');
    // Writes a unique stamp to its output (so a restored file can be told from
    // a rebuilt one) and counts real executions in RUN_LOG.
    const script =
      "const fs=require('fs');" +
      "fs.appendFileSync(process.env.RUN_LOG,'run\\n');" +
      "fs.mkdirSync('proj/out',{recursive:true});" +
      "fs.writeFileSync('proj/out/result.txt','built '+Date.now()+' '+Math.random());" +
      "console.log('BUILD-RAN')";
    await writeFile(
      join(ws, 'proj/project.json'),
      JSON.stringify({
        name: 'proj',
        targets: {
          build: {
            executor: 'nx:run-commands',
            outputs: ['{projectRoot}/out'],
            options: { command: `node -e "${script}"` },
          },
        },
      }),
    );
  });

  let firstOutput: string;
  let hash: string;

  it('a cache miss runs the task and uploads its outputs (PUT)', async () => {
    const mark = requests.length;
    const before = await runs();
    const { code, out } = await nx(RW_TOKEN);
    expect({ code, out }).toEqual({ code: 0, out: expect.stringContaining('Successfully ran target build') });
    expect(out).toContain('BUILD-RAN');
    expect(await runs()).toBe(before + 1);
    expect(since(mark)).toEqual(['GET 404 miss', 'PUT 200 stored']);
    hash = requests[requests.length - 1].hash!;
    expect(hash).toMatch(/^\d+$/);
    expect(requests[requests.length - 1].bytes).toBeGreaterThan(0);
    expect(existsSync(join(storageDir, hash))).toBe(true);
    firstOutput = await readFile(output(), 'utf8');
  }, 45_000);

  it('without a local cache, the result comes from the remote cache (GET hit)', async () => {
    await wipeLocalCache();
    expect(existsSync(output())).toBe(false);
    const mark = requests.length;
    const before = await runs();
    const { code, out } = await nx(RW_TOKEN);
    expect(code).toBe(0);
    expect(out).toContain('nx run proj:build  [remote cache]');
    expect(out).toContain('BUILD-RAN'); // replayed terminal output
    expect(await runs()).toBe(before); // ...but the command did not run again
    expect(await readFile(output(), 'utf8')).toBe(firstOutput); // restored, byte for byte
    expect(requests.slice(mark)).toEqual([expect.objectContaining({ method: 'GET', hash, status: 200, outcome: 'hit' })]);
  }, 45_000);

  it('with a wrong token, Nx 23 stops the run with the server 401 message and runs nothing', async () => {
    await wipeLocalCache();
    const mark = requests.length;
    const before = await runs();
    const { code, out } = await nx('not-the-token');
    // What Nx 23.2.1 really does: the 401 is fatal, not a silent cache miss.
    expect(code).not.toBe(0);
    expect(out).toContain('Unauthorized: Missing or invalid remote cache access token');
    expect(await runs()).toBe(before);
    expect(existsSync(output())).toBe(false);
    expect(since(mark)).toEqual(['GET 401 unauthorized']);
  }, 45_000);

  it('with a read-only token, a miss is built locally and its upload refused (403) without failing the run', async () => {
    await wipeLocalCache();
    await writeFile(join(ws, 'proj/input.txt'), 'version 2\n'); // new inputs, new hash
    const mark = requests.length;
    const before = await runs();
    const { code, out } = await nx(RO_TOKEN);
    expect(code).toBe(0);
    expect(out).toContain('BUILD-RAN');
    expect(await runs()).toBe(before + 1);
    expect(since(mark)).toEqual(['GET 404 miss', 'PUT 403 forbidden']);
    const newHash = requests[requests.length - 1].hash!;
    expect(newHash).not.toBe(hash);
    expect(existsSync(join(storageDir, newHash))).toBe(false);
  }, 45_000);
});
