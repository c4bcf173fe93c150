import { createRuntime, stackHealth, workspaceServices } from '@paws360/nx-stack/api';
import { StackDocker, jsonLine, nx, testStackEnv, workspaceRoot } from '@paws360/stack-testing';

// The whole stack under the API, on a throwaway stack of its own (ports +28000).
const STACK = 'paws360-it-api';
const OFFSET = 28000;
const env = testStackEnv(STACK, OFFSET);
const docker = new StackDocker(STACK);
const api = `http://127.0.0.1:${3000 + OFFSET}`;
const SERVICES = 'etcd,patroni,router,redis,sentinel,api';

async function json(path: string, init?: RequestInit) {
  const response = await fetch(api + path, { ...init, headers: { 'content-type': 'application/json' } });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  await nx(env, 'run-many', '-t', 'down', '-p', SERVICES, '--wipe');
});

afterAll(async () => {
  await nx(env, 'run-many', '-t', 'down', '-p', SERVICES, '--wipe');
});

describe('the API on the real stack', () => {
  it('`nx run api:up` starts the data tier first, then the API, which is ready', async () => {
    const result = await nx(env, 'run', 'api:up');
    // On failure, say why: the tail of what nx printed (a diff of exit codes alone says nothing).
    if (result.exitCode !== 0) throw new Error(`nx run api:up exited ${result.exitCode}:\n${result.output.slice(-4000)}`);
    const health = await nx(env, 'run', 'api:health', '--json');
    expect(jsonLine<{ healthy: boolean }>(health.output).healthy).toBe(true);
    expect((await json('/readyz')).status).toBe(200);
    expect((await docker.containers()).map((c) => c.name)).toEqual(expect.arrayContaining([`${STACK}-api-1`, `${STACK}-router-1`]));
  });

  it('stores a student in PostgreSQL and serves repeated reads from the Redis cache', async () => {
    const created = await json('/api/students', {
      method: 'POST',
      body: JSON.stringify({ studentNumber: 'S-0001', name: 'Ada Lovelace', email: 'ada@example.edu' }),
    });
    expect(created.status).toBe(201);
    const id = created.body.id as number;

    const first = await json(`/api/students/${id}`);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('miss');
    const second = await json(`/api/students/${id}`);
    expect(second.headers.get('x-cache')).toBe('hit');
    expect(second.body).toMatchObject({ studentNumber: 'S-0001', name: 'Ada Lovelace' });

    // The row is on the PostgreSQL leader, read through the router inside the stack.
    const query = "select name from students where student_number = 'S-0001'";
    const row = await docker.exec(`${STACK}-patroni-1`, [
      'sh',
      '-c',
      `PGPASSWORD="$POSTGRES_SUPERUSER_PASSWORD" psql -h router-1 -U postgres -d paws360 -tAc "${query}"`,
    ]);
    expect(row.stdout.trim()).toBe('Ada Lovelace');

    const duplicate = await json('/api/students', {
      method: 'POST',
      body: JSON.stringify({ studentNumber: 'S-0001', name: 'Someone Else', email: 'x@example.edu' }),
    });
    expect(duplicate.status).toBe(409);
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
          const created = await json('/api/students', {
            method: 'POST',
            body: JSON.stringify({ studentNumber: `H-${n}`, name: `Probe Load ${n}`, email: `load${n}@example.edu` }),
          });
          if (created.status !== 201) throw new Error(`POST answered ${created.status}`);
          await json(`/api/students/${created.body.id as number}`);
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
        for (const health of await stackHealth(workspaceRoot, env, runtime, services)) {
          for (const c of health.components.filter((c) => c.status !== 'healthy')) alarms.push(`probe ${probe}: ${c.name}: ${c.detail}`);
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
    expect(result.exitCode).toBe(0);
    expect((await docker.containers()).map((c) => c.id).sort()).toEqual(before);
  });
});
