import { createRuntime, stackHealth, workspaceServices } from '@paws360/nx-stack/api';
import { jsonLine, nx, outcome, runTarget, StackDocker, SUCCEEDED, testStackEnv, waitFor, workspaceRoot } from '@paws360/stack-testing';
import { execa } from 'execa';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

// The whole stack under the API, on a throwaway stack of its own (ports +28000:
// the API 8080 → 36080, the router 5432 → 33432).
const STACK = 'paws360-it-api';
const OFFSET = 28000;
const env = testStackEnv(STACK, OFFSET);
const docker = new StackDocker(STACK);
const api = `http://127.0.0.1:${8080 + OFFSET}`;
const SERVICES = 'etcd,patroni,router,redis,sentinel,api';
const container = (service: string, n: number) => `${STACK}-${service}-${n}`;

interface Health {
  status: 'UP' | 'DOWN';
  components: Record<string, { status: 'UP' | 'DOWN'; error?: string; details?: Record<string, unknown> }>;
}

async function call(path: string, init?: RequestInit) {
  const response = await fetch(api + path, { ...init, headers: { 'content-type': 'application/json' } });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

const health = async () => {
  const res = await call('/actuator/health').catch((err: Error) => ({ status: 0, body: { error: err.message } as Record<string, unknown> }));
  return { status: res.status, body: res.body as unknown as Health };
};

const password = () => /^POSTGRES_SUPERUSER_PASSWORD=(.*)$/m.exec(readFileSync(join(workspaceRoot, '.paws360', `${STACK}.env`), 'utf8'))?.[1];

/** The host port a container publishes for a container port. */
async function publishedPort(name: string, port: number): Promise<number> {
  const { stdout } = await execa('docker', ['port', name, `${port}/tcp`]);
  return Number(/:(\d+)\s*$/m.exec(stdout)?.[1]);
}

/** Every container of the stack: name → id and last start time. */
async function containerStarts(): Promise<Record<string, string>> {
  const ids = (await docker.containers()).map((c) => c.id);
  const { stdout } = await execa('docker', ['inspect', '-f', '{{.Name}} {{.Id}} {{.State.StartedAt}}', ...ids]);
  return Object.fromEntries(
    stdout
      .trim()
      .split('\n')
      .map((line) => line.replace(/^\//, '').split(' '))
      .map(([name, id, startedAt]) => [name, `${id} ${startedAt}`]),
  );
}

/** The Redis member the Sentinels name as master. */
async function redisMaster(): Promise<string> {
  const { stdout } = await docker.exec(container('sentinel', 1), ['redis-cli', '-p', '26379', 'SENTINEL', 'get-master-addr-by-name', 'mymaster']);
  const host = stdout.trim().split('\n')[0];
  if (!/^redis-\d+$/.test(host)) throw new Error(`the Sentinels name no Redis member as master: ${host}`);
  return `${STACK}-${host}`;
}

/** A read of one student twice: the first from PostgreSQL (cache miss), the second from Redis. */
async function missThenHit(id: number) {
  const first = await call(`/api/students/${id}`);
  const second = await call(`/api/students/${id}`);
  return [first.status, first.headers.get('x-cache'), second.status, second.headers.get('x-cache')];
}

beforeAll(async () => {
  await docker.remove();
});

afterAll(async () => {
  await docker.remove();
});

describe('the API on the real stack', () => {
  it('TC-005: `nx run api:up` starts the data tier first, then the API; /actuator/health is UP within 2 s', async () => {
    const started = Date.now();
    const result = await nx(env, 'run', 'api:up');
    // On failure, say why: outcome() gives the lines that say so, then the tail of what nx printed.
    if (result.exitCode !== 0) throw new Error(`nx run api:up exited ${result.exitCode}:\n${outcome(result).output}`);
    const upDone = Date.now();
    await waitFor('/actuator/health UP', async () => (await health()).status === 200, 2000, 50);
    const h = await health();
    console.log(`api:up (images, data tier, API) ${((upDone - started) / 1000).toFixed(1)} s; /actuator/health UP ${Date.now() - upDone} ms after`);
    expect(h.body).toMatchObject({ status: 'UP', components: { db: { status: 'UP' }, cache: { status: 'UP' } } });
    const apiHealth = await runTarget(env, 'api:health', '--json');
    expect(jsonLine<{ healthy: boolean }>(apiHealth.output).healthy).toBe(true);
    expect((await docker.containers()).map((c) => c.name)).toEqual(expect.arrayContaining([container('api', 1), container('router', 1)]));
    // The API's start-up line: how long the bundle took from process start to listening (migrations included).
    const ready = (await docker.logs(container('api', 1))).split('\n').find((l) => l.includes('"msg":"ready"'));
    console.log(`api container: ${ready}`);
  });

  it('stores a student in PostgreSQL; a read is a miss, then a hit from Redis; trace ids come back', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const created = await fetch(`${api}/api/students`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      body: JSON.stringify({ studentNumber: 'S-0001', name: 'Ada Lovelace', email: 'ada@example.edu' }),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('x-trace-id')).toBe(traceId);
    const id = ((await created.json()) as { id: number }).id;

    expect(await missThenHit(id)).toEqual([200, 'miss', 200, 'hit']);

    // The row is on the PostgreSQL leader, read through the router inside the stack.
    const query = "select name from students where student_number = 'S-0001'";
    const row = await docker.exec(container('patroni', 1), [
      'sh',
      '-c',
      `PGPASSWORD="$POSTGRES_SUPERUSER_PASSWORD" psql -h router-1 -U postgres -d paws360 -tAc "${query}"`,
    ]);
    expect(row.stdout.trim()).toBe('Ada Lovelace');

    const duplicate = await call('/api/students', {
      method: 'POST',
      body: JSON.stringify({ studentNumber: 'S-0001', name: 'Someone Else', email: 'x@example.edu' }),
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ error: 'duplicate_student_number', traceId: expect.stringMatching(/^[0-9a-f]{32}$/) });

    // Every line the API logged for that trace carries it (the access line at least).
    const lines = (await docker.logs(container('api', 1))).split('\n').filter((l) => l.includes(traceId));
    expect(lines.some((l) => l.includes('"route":"/api/students"') && l.includes('"status":201'))).toBe(true);
  });

  it('no false alarms: 200 consecutive health probes of the healthy stack under a light SQL and Redis load report every member healthy', async () => {
    // What `nx run stack:health` runs (every service's probe at once), in-process: 200 nx processes would take minutes.
    const services = workspaceServices(workspaceRoot).filter((s) => SERVICES.split(',').includes(s.name));
    const runtime = createRuntime(env);
    let stop = false;
    let writes = 0;
    const writeErrors: string[] = [];
    // Through the API: an INSERT on the Patroni leader, then reads that miss and then hit the Redis cache (SET on the master).
    const writer = (async () => {
      for (let n = 1; !stop; n++) {
        try {
          const created = await call('/api/students', {
            method: 'POST',
            body: JSON.stringify({ studentNumber: `H-${n}`, name: `Probe Load ${n}`, email: `load${n}@example.edu` }),
          });
          if (created.status !== 201) throw new Error(`POST answered ${created.status}`);
          await call(`/api/students/${created.body.id as number}`);
          writes += 1;
        } catch (error) {
          writeErrors.push((error as Error).message);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const alarms: string[] = [];
    try {
      for (let probe = 1; probe <= 200; probe++) {
        for (const h of await stackHealth(workspaceRoot, env, runtime, services)) {
          for (const c of h.components.filter((c) => c.status !== 'healthy')) alarms.push(`probe ${probe}: ${c.name}: ${c.detail}`);
        }
      }
    } finally {
      stop = true;
      await writer;
    }
    expect(alarms).toEqual([]);
    expect(writeErrors).toEqual([]);
    expect(writes).toBeGreaterThan(20);
  });

  it('a second `up` of the whole chain changes nothing', async () => {
    const before = (await docker.containers()).map((c) => c.id).sort();
    const result = await nx(env, 'run', 'api:up');
    expect(outcome(result)).toEqual(SUCCEEDED);
    expect((await docker.containers()).map((c) => c.id).sort()).toEqual(before);
  });

  it('`nx run api:seed` loads 300 students, 24 courses, 900 enrollments; a second run adds nothing; the list shows them', async () => {
    const first = await nx(env, 'run', 'api:seed');
    if (first.exitCode !== 0) throw new Error(`nx run api:seed exited ${first.exitCode}:\n${outcome(first, 3000).output}`);
    expect(first.output).toMatch(/seed: 300 students \(300 new\), 24 courses \(24 new\), 900 enrollments \(900 new\)/);
    const second = await nx(env, 'run', 'api:seed');
    expect(second.output).toMatch(/seed: 300 students \(0 new\), 24 courses \(0 new\), 900 enrollments \(0 new\)/);

    // A page size no earlier test asked for: its cache key is new, so the answer is fresh.
    const list = await call('/api/students?pageSize=7');
    expect(list.status).toBe(200);
    expect(list.body.total as number).toBeGreaterThanOrEqual(300);
    const courses = await call('/api/courses?pageSize=24');
    expect(courses.body.total).toBe(24);
    const enrolled = (courses.body.items as Array<{ enrolled: number }>).reduce((sum, c) => sum + c.enrolled, 0);
    expect(enrolled).toBe(900);
  });

  it('enroll and unenroll through the API invalidate the student and the course: fresh reads show each change', async () => {
    const student = (await call('/api/students?q=S-10001')).body.items as Array<{ id: number }>;
    const id = student[0].id;
    const courses = (await call('/api/courses?pageSize=24')).body.items as Array<{ id: number; enrolled: number; capacity: number }>;
    const mine = new Set(((await call(`/api/students/${id}`)).body.enrollments as Array<{ courseId: number }>).map((e) => e.courseId));
    const course = courses.find((c) => !mine.has(c.id) && c.enrolled < c.capacity)!;
    await call(`/api/courses/${course.id}`); // cached now
    expect((await call(`/api/students/${id}`)).headers.get('x-cache')).toBe('hit');

    const enrolled = await call(`/api/students/${id}/enrollments`, { method: 'POST', body: JSON.stringify({ courseId: course.id }) });
    expect(enrolled.status).toBe(201);
    const after = await call(`/api/students/${id}`);
    expect(after.headers.get('x-cache')).toBe('miss');
    expect((after.body.enrollments as Array<{ courseId: number }>).map((e) => e.courseId)).toContain(course.id);
    const courseAfter = await call(`/api/courses/${course.id}`);
    expect([courseAfter.headers.get('x-cache'), courseAfter.body.enrolled]).toEqual(['miss', course.enrolled + 1]);
    expect((await call(`/api/students/${id}/enrollments`, { method: 'POST', body: JSON.stringify({ courseId: course.id }) })).status).toBe(409);

    const removed = await fetch(`${api}/api/students/${id}/enrollments/${course.id}`, { method: 'DELETE' });
    expect(removed.status).toBe(204);
    expect(((await call(`/api/courses/${course.id}`)).body.enrolled as number)).toBe(course.enrolled);
  });

  it('TC-016: a migration file added to a copy of the migrations is applied through the router and visible on all three Patroni members', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tc016-'));
    try {
      cpSync(join(workspaceRoot, 'apps', 'api', 'migrations'), dir, { recursive: true });
      writeFileSync(
        join(dir, '900.do.tc016-probe.sql'),
        'CREATE TABLE tc016_probe (id integer PRIMARY KEY, note text);\nALTER TABLE students ADD COLUMN tc016_note text;\n',
      );
      const pgEnv = { PGHOST: '127.0.0.1', PGPORT: String(5432 + OFFSET), PGPASSWORD: password() ?? '' };
      // Each member's own PostgreSQL, on its published port: the leader and both replicas, read directly.
      const members = await Promise.all(
        [1, 2, 3].map(async (n) => {
          const client = new Client({ host: '127.0.0.1', port: await publishedPort(container('patroni', n), 5432), user: 'postgres', password: pgEnv.PGPASSWORD, database: 'paws360' });
          await client.connect();
          return client;
        }),
      );
      try {
        const visible = async (client: Client) =>
          (
            await client.query(
              `SELECT to_regclass('tc016_probe') IS NOT NULL AND EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'students' AND column_name = 'tc016_note') AS ok`,
            )
          ).rows[0].ok === true;
        expect(await Promise.all(members.map(visible))).toEqual([false, false, false]);

        const cli = ['--require', '@swc-node/register', 'apps/api/src/cli.ts', 'migrate', '--dir', dir];
        const started = performance.now();
        const migrate = await execa('node', cli, { cwd: workspaceRoot, env: { ...process.env, ...pgEnv }, reject: false, all: true });
        const exited = performance.now();
        expect({ exitCode: migrate.exitCode, output: migrate.all }).toMatchObject({ exitCode: 0 });
        expect(migrate.all).toMatch(/migrate: applied 900 tc016-probe to 127\.0\.0\.1:\d+\/paws360 in \d+ ms/);
        const applyMs = Number(/ in (\d+) ms/.exec(migrate.all ?? '')?.[1]);

        const pending = new Set(members);
        while (pending.size > 0 && performance.now() - exited < 10_000) {
          for (const client of [...pending]) if (await visible(client)) pending.delete(client);
        }
        const replicatedMs = performance.now() - exited;
        expect(pending.size).toBe(0);
        console.log(
          `TC-016: apply ${applyMs} ms (CLI: connect, lock, postgrator, commit) + visible on all 3 members ${Math.round(replicatedMs)} ms after the CLI exited = ${Math.round(applyMs + replicatedMs)} ms; CLI process wall ${Math.round(exited - started)} ms`,
        );
        expect(applyMs + replicatedMs).toBeLessThan(10_000);

        // Recorded in postgrator's history; a second run applies nothing.
        const leaderRows = await members[0].query('SELECT version, name FROM schemaversion WHERE version = 900');
        expect(leaderRows.rows).toEqual([{ version: '900', name: 'tc016-probe' }]);
        const again = await execa('node', cli, { cwd: workspaceRoot, env: { ...process.env, ...pgEnv }, all: true });
        expect(again.all).toMatch(/is up to date at version 900/);
      } finally {
        await Promise.all(members.map((c) => c.end()));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('/actuator/health goes DOWN naming cache when every Redis member is stopped, reads still work, and UP again once they are started', async () => {
    const members = [1, 2, 3].map((n) => container('redis', n));
    await Promise.all(members.map((m) => docker.stop(m)));
    try {
      await waitFor('health DOWN naming cache', async () => {
        const h = await health();
        return (h.status === 503 && h.body.components?.cache?.status === 'DOWN') || JSON.stringify(h.body);
      }, 30_000);
      const h = await health();
      expect(h.body).toMatchObject({ status: 'DOWN', components: { db: { status: 'UP' }, cache: { status: 'DOWN', error: expect.any(String) } } });
      // Redis trouble never fails a read: it is served from PostgreSQL.
      const read = await call('/api/students?q=S-10002');
      expect([read.status, read.headers.get('x-cache')]).toEqual([200, 'miss']);
    } finally {
      await Promise.all(members.map((m) => docker.start(m)));
    }
    const back = Date.now();
    await waitFor('health UP again', async () => (await health()).status === 200 || JSON.stringify((await health()).body), 90_000);
    console.log(`cache UP again ${Date.now() - back} ms after the Redis members were started`);
  });

  it('TC-017: restarting only the Redis master restarts nothing else, and the API recovers', async () => {
    await waitFor('health UP', async () => (await health()).status === 200, 60_000);
    const master = await redisMaster();
    const before = await containerStarts();
    await execa('docker', ['restart', '-t', '10', master]);
    const restarted = Date.now();
    await waitFor('the API recovers (health UP)', async () => (await health()).status === 200 || JSON.stringify((await health()).body), 90_000);
    console.log(`TC-017: ${master.replace(`${STACK}-`, '')} restarted; API health UP ${Date.now() - restarted} ms later`);

    const after = await containerStarts();
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    for (const name of Object.keys(before)) {
      if (name === master) {
        expect(after[name].split(' ')[0]).toBe(before[name].split(' ')[0]); // the same container …
        expect(after[name]).not.toBe(before[name]); // … started again
      } else {
        expect([name, after[name]]).toEqual([name, before[name]]);
      }
    }
    // Cache reads and writes work again (on whichever member is master now).
    const created = await call('/api/students', { method: 'POST', body: JSON.stringify({ studentNumber: 'TC-017', name: 'After Restart', email: 'tc017@example.edu' }) });
    expect(created.status).toBe(201);
    await waitFor('a miss then a hit', async () => {
      const outcome = await missThenHit(created.body.id as number);
      return outcome[3] === 'hit' || JSON.stringify(outcome);
    }, 30_000);
  });

  it('TC-024: an etcd key, a PostgreSQL row and a Redis key survive `npm run stop` and a start again, read back with etcdctl, psql and redis-cli', async () => {
    expect(outcome(await nx(env, 'run', 'api:up'))).toEqual(SUCCEEDED);
    const stamp = `tc024-${Date.now()}`;
    const etcdctl = (n: number, ...args: string[]) => docker.exec(container('etcd', n), ['etcdctl', ...args]);
    /** psql inside Patroni member n: through the router (the leader) by default, or that member's own server (`local`). */
    const psql = async (n: number, sql: string, local = false) =>
      (await docker.exec(container('patroni', n), ['sh', '-c', `PGPASSWORD="$POSTGRES_SUPERUSER_PASSWORD" psql -X -h ${local ? '/var/run/postgresql' : 'router-1'} -p 5432 -U postgres -d postgres -v ON_ERROR_STOP=1 -tAc "$1"`, 'sh', sql])).stdout.trim();
    const redisCli = async (name: string, ...args: string[]) =>
      (await docker.exec(name, ['sh', '-c', 'REDISCLI_AUTH="$REDIS_PASSWORD" exec redis-cli "$@"', 'sh', ...args])).stdout.trim();

    await etcdctl(1, 'put', '/paws360/it/tc024', stamp);
    await psql(1, `create table if not exists it_tc024 (v text primary key); insert into it_tc024 values ('${stamp}')`);
    const master = await redisMaster();
    expect(await redisCli(master, 'SET', 'paws360:it:tc024', stamp)).toBe('OK');
    // Acknowledged by both replicas before the stop (what a client that waits for them knows is written).
    expect(Number(await redisCli(master, 'WAIT', '2', '5000'))).toBe(2);

    // What a developer types: `npm run stop` is `nx run-many -t down` without --wipe.
    const stop = await execa('npm', ['run', 'stop'], { cwd: workspaceRoot, env, extendEnv: false, reject: false, all: true });
    expect({ exitCode: stop.exitCode, output: stop.exitCode === 0 ? '' : stop.all }).toEqual({ exitCode: 0, output: '' });
    expect(await docker.containers()).toHaveLength(0);
    for (const service of ['etcd', 'patroni', 'redis', 'sentinel']) expect([service, (await docker.volumes(service)).length]).toEqual([service, 3]);

    // `npm start` is `nx run-many -t up` then stack:health; this suite's stack is everything under the API (no frontend): api:up.
    const start = await nx(env, 'run', 'api:up');
    expect(outcome(start)).toEqual(SUCCEEDED);
    const stackHealth = jsonLine<{ services: Array<{ service: string; healthy: boolean }> }>((await nx(env, 'run', 'stack:health', '--json')).output);
    const started = stackHealth.services.filter((s) => SERVICES.split(',').includes(s.service));
    expect(started.map((s) => [s.service, s.healthy]).sort()).toEqual(SERVICES.split(',').map((s) => [s, true]).sort());

    // etcd: every member has the key in its own copy (a serializable read is answered locally).
    for (const n of [1, 2, 3]) {
      expect([n, (await etcdctl(n, 'get', '/paws360/it/tc024', '--print-value-only', '--consistency=s')).stdout.trim()]).toEqual([n, stamp]);
    }
    // PostgreSQL: through the router, and on every member's own server once the replicas replay.
    expect(await psql(1, `select v from it_tc024 where v = '${stamp}'`)).toBe(stamp);
    for (const n of [1, 2, 3]) {
      await waitFor(`patroni-${n} to have the row`, async () => (await psql(n, `select count(*) from it_tc024 where v = '${stamp}'`, true).catch((e: Error) => e.message)) === '1', 60_000, 1000);
    }
    // Redis: every member, master and replicas.
    for (const n of [1, 2, 3]) {
      await waitFor(`redis-${n} to have the key`, async () => (await redisCli(container('redis', n), 'GET', 'paws360:it:tc024').catch((e: Error) => e.message)) === stamp, 60_000, 1000);
    }
    await waitFor('API health UP', async () => (await health()).status === 200 || JSON.stringify((await health()).body), 60_000);
  });
});
