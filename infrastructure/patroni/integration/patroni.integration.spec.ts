import { healthNow, healthyNow, jsonLine, nx, outcome, runTarget, StackDocker, startNx, SUCCEEDED, testStackEnv, waitFor, workspaceRoot } from '@paws360/stack-testing';
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';

// A throwaway stack beside any developer stack: its own names, ports shifted by 22000
// (router 5432 → 27432, 5433 → 27433; Patroni API 8008 → 30008…).
const STACK = 'paws360-it-pg';
const OFFSET = 22000;
const env = testStackEnv(STACK, OFFSET);
const docker = new StackDocker(STACK);
const patroni = (n: number) => `${STACK}-patroni-${n}`;
const SERVICES = ['etcd', 'patroni', 'router'];

interface HealthJson {
  service: string;
  healthy: boolean;
  components: Array<{ name: string; status: string; role: string; detail: string }>;
}
interface ReportJson {
  scenario: string;
  passed: boolean;
  measurements: Record<string, number | string>;
  checks: Array<{ name: string; ok: boolean; detail: string }>;
  timeline: Array<{ atMs: number; event: string }>;
}

const wipe = () => nx(env, 'run-many', '-t', 'down', '--wipe', '-p', ...SERVICES);

/** `<service>:health --json`: its executor in this process (runTarget), or through nx as a user runs it. */
async function health(service = 'patroni', through: 'nx' | 'this process' = 'this process'): Promise<{ exitCode: number; json: HealthJson }> {
  const result = through === 'nx' ? await nx(env, 'run', `${service}:health`, '--json') : await runTarget(env, `${service}:health`, '--json');
  return { exitCode: result.exitCode, json: jsonLine<HealthJson>(result.output) };
}

async function up() {
  const result = await nx(env, 'run', 'router:up');
  expect({ exitCode: result.exitCode, output: result.output }).toMatchObject({ exitCode: 0 });
  return result;
}

/** The member that leads now, by the plugin's probes in this process (the tests check `patroni:health` itself through nx). */
async function leaderMember(): Promise<string> {
  const [patroniHealth] = await healthNow(env, 'patroni');
  const leaders = patroniHealth.components.filter((c) => c.role === 'leader');
  expect(leaders).toHaveLength(1);
  return leaders[0].name;
}

/** SQL through the router, with psql inside a Patroni member (over the stack network, as an application would). */
async function routerSql(port: 5432 | 5433, query: string, database = 'paws360'): Promise<string> {
  const script = `PGPASSWORD="$POSTGRES_SUPERUSER_PASSWORD" psql -X -h router-1 -p ${port} -U postgres -d ${database} -v ON_ERROR_STOP=1 -tAc "$1"`;
  // Any running member will do as the client's host; the router picks the server.
  for (const n of [1, 2, 3]) {
    const result = await docker.exec(patroni(n), ['sh', '-c', script, 'sh', query], { allowFailure: true }).catch((e: Error) => ({ exitCode: -1, stdout: '', stderr: e.message }));
    if (result.exitCode === 0) return result.stdout.trim();
    if (n === 3) throw new Error(`psql through router-1:${port} failed: ${result.stderr || result.stdout}`);
  }
  return '';
}

/** The same through the host ports, with the pg client (what the plugin's probes and writer use). */
async function hostSql(port: number, query: string): Promise<unknown[]> {
  const envFile = readFileSync(join(workspaceRoot, '.paws360', `${STACK}.env`), 'utf8');
  const password = /^POSTGRES_SUPERUSER_PASSWORD=(.*)$/m.exec(envFile)?.[1];
  const client = new Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres', connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return (await client.query(query)).rows;
  } finally {
    await client.end();
  }
}

const systemIdentifier = async () =>
  (await docker.exec(patroni(1), ['psql', '-X', '-h', '/var/run/postgresql', '-U', 'postgres', '-tAc', 'select system_identifier from pg_control_system()'])).stdout.trim();

async function simulation(scenario: string): Promise<ReportJson> {
  const result = await runTarget(env, `patroni:${scenario}`, '--json');
  const report = jsonLine<ReportJson>(result.output);
  // Shown in the test output: the measured numbers of this run.
  console.log(`${scenario}: ${JSON.stringify(report.measurements)}`);
  expect({ exitCode: result.exitCode, failed: report.checks.filter((c) => !c.ok) }).toEqual({ exitCode: 0, failed: [] });
  expect(report).toMatchObject({ scenario, passed: true });
  return report;
}

beforeAll(async () => {
  await docker.remove();
});

afterAll(async () => {
  await docker.remove();
});

describe('Patroni + router on a real engine', () => {
  it('router:up brings up etcd, then Patroni (each as soon as the one before is ready), then the router; all end healthy', async () => {
    const result = await up();
    const order = ['nx run etcd:up', 'nx run patroni:up', 'nx run router:up'].map((line) => result.output.indexOf(line));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // etcd and Patroni end when their dependents can start; the router, the end of the chain, waits for all of them.
    expect(result.output).toMatch(/etcd: up in [\d.]+s, ready for its dependents \(quorum/);
    expect(result.output).toMatch(/patroni: up in [\d.]+s, ready for its dependents \(\S+-patroni-\d is leader/);
    expect(result.output).toContain('7/7 components healthy');
    const names = (await docker.containers()).map((c) => c.name).sort();
    expect(names).toEqual([1, 2, 3].map((n) => `${STACK}-etcd-${n}`).concat([1, 2, 3].map(patroni), [`${STACK}-router-1`]).sort());
  });

  it('health --json: healthy, exactly one leader, the others streaming', async () => {
    // Through nx, as a user runs it; the other tests' health checks call the executor in this process.
    const { exitCode, json } = await health('patroni', 'nx');
    expect(exitCode).toBe(0);
    expect(json).toMatchObject({ service: 'patroni', healthy: true });
    expect(json.components.map((c) => c.name)).toEqual([1, 2, 3].map(patroni));
    expect(json.components.filter((c) => c.role === 'leader')).toHaveLength(1);
    expect(json.components.filter((c) => c.role !== 'leader').map((c) => c.role).sort()).toEqual(expect.arrayContaining([expect.stringMatching(/^(sync-standby|replica)$/)]));
    const router = await health('router', 'nx');
    expect(router.exitCode).toBe(0);
    expect(router.json).toMatchObject({ healthy: true });
  });

  it('real clients agree with the probes: patronictl, psql through the router, the pg client on host ports, etcdctl', async () => {
    const leader = await leaderMember();
    const leaderHost = leader.replace(`${STACK}-`, '');

    // patronictl (its config is /etc/patroni/patroni.yml, PATRONICTL_CONFIG_FILE points at it).
    const list = JSON.parse((await docker.exec(patroni(2), ['patronictl', 'list', '-f', 'json'])).stdout) as Array<Record<string, unknown>>;
    expect(list).toHaveLength(3);
    expect(list.filter((m) => m.Role === 'Leader').map((m) => m.Member)).toEqual([leaderHost]);
    expect(list.every((m) => m.State === 'running' || m.State === 'streaming')).toBe(true);
    expect(list.map((m) => m.Cluster)).toEqual([STACK, STACK, STACK]);

    // psql through the router on the stack network: 5432 read-write, 5433 read-only.
    expect(await routerSql(5432, 'select pg_is_in_recovery()')).toBe('f');
    expect(await routerSql(5433, 'select pg_is_in_recovery()')).toBe('t');
    await expect(routerSql(5433, 'create table it_never (x int)')).rejects.toThrow(/read-only transaction/);

    // The pg client on the host ports published on 127.0.0.1.
    expect(await hostSql(5432 + OFFSET, 'select pg_is_in_recovery() as r')).toEqual([{ r: false }]);
    expect(await hostSql(5433 + OFFSET, 'select pg_is_in_recovery() as r')).toEqual([{ r: true }]);

    // etcd: 3 members, one leader, and Patroni's leader key names the same member.
    const etcd = `${STACK}-etcd-1`;
    const status = JSON.parse((await docker.exec(etcd, ['etcdctl', '--endpoints=etcd-1:2379', 'endpoint', 'status', '--cluster', '-w', 'json'])).stdout) as Array<{
      Status: { header: { member_id: number }; leader: number };
    }>;
    expect(status).toHaveLength(3);
    expect(status.filter((s) => s.Status.header.member_id === s.Status.leader)).toHaveLength(1);
    const key = await docker.exec(etcd, ['etcdctl', 'get', `/service/${STACK}/leader`, '--print-value-only']);
    expect(key.stdout.trim()).toBe(leaderHost);

    // inspect says the same.
    const inspect = jsonLine<{ facts: { leader: string; scope: string } }>((await runTarget(env, 'patroni:inspect', '--json')).output);
    expect(inspect.facts).toMatchObject({ leader: leaderHost, scope: STACK });
  });

  it('fail-leader: the leader is SIGKILLed under writes, a replica takes over, no acknowledged write is lost, the old leader rejoins', async () => {
    const before = await leaderMember();
    const report = await simulation('fail-leader');
    expect(report.measurements.lostWrites).toBe(0);
    expect(report.measurements.ackedWrites).toBeGreaterThan(0);
    expect(report.measurements.newLeader).not.toBe(before);
    expect(typeof report.measurements.failoverSeconds).toBe('number');
    const after = await health();
    expect(after.json).toMatchObject({ healthy: true });
    expect(after.json.components.find((c) => c.name === before)?.role).not.toBe('leader');
  });

  it('switchover: the leadership moves to the sync standby with no acknowledged write lost', async () => {
    const before = await leaderMember();
    const report = await simulation('switchover');
    expect(report.measurements.lostWrites).toBe(0);
    expect(report.measurements.newLeader).not.toBe(before);
    expect(await leaderMember()).toBe(report.measurements.newLeader);
  });

  it('partition: the cut-off leader demotes itself, never two writable members, no acknowledged write lost, it rejoins', async () => {
    const before = await leaderMember();
    const report = await simulation('partition');
    expect(report.measurements.lostWrites).toBe(0);
    expect(report.measurements.maxWritableMembers).toBe(1);
    expect(report.measurements.newLeader).not.toBe(before);
    expect(Number(report.measurements.demoteSeconds)).toBeLessThan(Number(report.measurements.promoteSeconds));
    // The old leader is back on the network under its host name.
    const container = (await docker.containers('patroni')).find((c) => c.name === before);
    expect(container?.networks).toContain(`${STACK}-backend`);
    expect((await health()).json).toMatchObject({ healthy: true });
  });

  it('fail-leader interrupted by Ctrl-C once the leader is killed: it starts the member again, exits non-zero, the cluster heals', async () => {
    await up();
    const leader = await leaderMember();
    const state = async () => (await docker.containers('patroni')).find((c) => c.name === leader)?.state;
    const run = startNx(env, 'run', 'patroni:fail-leader');
    // The runner prints each timeline event on stderr as it happens.
    await run.waitForOutput(new RegExp(`fail-leader: ${leader} \\(leader\\) hard-stopped \\(SIGKILL\\)`));
    expect(await state()).toBe('exited');
    // What a terminal's Ctrl-C does: SIGINT to the whole process group (nx and the executor).
    run.interrupt('SIGINT');
    const result = await run.exited;
    expect({ exitCode: result.exitCode, report: /"scenario"|PASSED|FAILED/.test(result.output) }).toEqual({ exitCode: 130, report: false });
    // Restored by the interrupted run itself (its marker), not by a later repair.
    expect(await state()).toBe('running');
    expect(await docker.logs(leader)).toContain(`fail-leader: ${leader} restored: started`);
    await waitFor('patroni healthy again', () => healthyNow(env, 'patroni'), 180_000, 1000);
    expect((await health()).json).toMatchObject({ healthy: true });
    expect((await health('router')).json).toMatchObject({ healthy: true });
  });

  it('down then up keeps the data', async () => {
    await routerSql(5432, "create table if not exists it_kept (v text); insert into it_kept values ('kept')");
    const result = await nx(env, 'run-many', '-t', 'down', '-p', ...SERVICES);
    expect(outcome(result)).toEqual(SUCCEEDED);
    expect(await docker.containers()).toHaveLength(0);
    expect(await docker.volumes('patroni')).toHaveLength(3);
    await up();
    await waitFor('the router to take reads', async () => (await routerSql(5433, 'select 1').catch(() => '')) === '1', 60_000, 1000);
    expect(await routerSql(5432, 'select v from it_kept')).toBe('kept');
  });

  it('a power cut: every etcd, Patroni and router member SIGKILLed at once, volumes kept; up brings back one leader and two streaming replicas with the data', async () => {
    await routerSql(5432, "insert into it_kept values ('before the power cut')");
    const all = await docker.containers();
    await Promise.all(all.map((c) => docker.runtime.killContainer(c.id, 'SIGKILL')));
    expect((await docker.containers()).filter((c) => c.state === 'running')).toEqual([]);
    await up();
    // Healthy means exactly one leader and every replica streaming from it on its timeline.
    await waitFor('patroni healthy after the power cut', () => healthyNow(env, 'patroni'), 180_000, 1000);
    expect((await health()).json).toMatchObject({ healthy: true });
    expect(await routerSql(5432, "select count(*) from it_kept where v = 'before the power cut'")).toBe('1');
    const roles = (await health()).json.components.map((c) => c.role).sort();
    expect(roles.filter((r) => r === 'leader')).toHaveLength(1);
  });

  it('down --wipe (patroni and etcd) then up gives a fresh cluster: another system identifier, no old rows', async () => {
    const before = await systemIdentifier();
    expect(before).toMatch(/^\d+$/);
    expect(outcome(await wipe())).toEqual(SUCCEEDED);
    expect(await docker.volumes()).toHaveLength(0);
    await up();
    const after = await systemIdentifier();
    expect(after).toMatch(/^\d+$/);
    expect(after).not.toBe(before);
    expect(await routerSql(5432, "select count(*) from pg_tables where tablename = 'it_kept'")).toBe('0');
  });

  it('start order: with etcd down, patroni:up alone fails at once naming etcd (not a timeout)', async () => {
    expect(outcome(await nx(env, 'run', 'etcd:down'))).toEqual(SUCCEEDED);
    const started = Date.now();
    const result = await nx(env, 'run', 'patroni:up', '--excludeTaskDependencies');
    expect(result.exitCode).not.toBe(0);
    expect(result.output).toContain('Cannot start patroni: it depends on etcd, which is not running');
    expect(result.output).toContain('npx nx run etcd:up');
    expect(result.output).not.toContain('did not become healthy within');
    // Well under patroni's 120 s start timeout: it never waited for the members.
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});

describe('an up interrupted part-way (Ctrl-C or SIGTERM) leaves nothing the next up cannot finish', () => {
  const names = async () => (await docker.containers()).map((c) => c.name).sort();
  const all = [1, 2, 3].map((n) => `${STACK}-etcd-${n}`).concat([1, 2, 3].map(patroni), [`${STACK}-router-1`]).sort();

  // Where each signal lands: Ctrl-C while Patroni bootstraps (its members exist, the router does not yet),
  // SIGTERM while etcd's members are still being created.
  const cases: Array<{ signal: NodeJS.Signals; when: string; ready: (present: string[]) => boolean }> = [
    { signal: 'SIGINT', when: 'the Patroni members exist and the router does not', ready: (present) => present.some((n) => n.includes('-patroni-')) },
    { signal: 'SIGTERM', when: 'the first etcd member exists', ready: (present) => present.some((n) => n.includes('-etcd-')) },
  ];

  for (const { signal, when, ready } of cases) {
    it(`${signal} once ${when}: up exits non-zero with part of the stack created; the next up completes and the stack is healthy`, async () => {
      expect(outcome(await wipe())).toEqual(SUCCEEDED);
      expect(await docker.containers()).toHaveLength(0);
      const run = startNx(env, 'run', 'router:up');
      let present: string[] = [];
      await waitFor(
        `${when} (router:up still running)`,
        async () => {
          present = await names();
          return ready(present) || `${present.length} containers; output so far: ${run.output().split('\n').slice(-3).join(' | ')}`;
        },
        300_000,
        100,
      );
      // What a terminal's Ctrl-C (or a system's SIGTERM) does: the signal to the whole process group.
      run.interrupt(signal);
      const interrupted = await run.exited;
      console.log(`${signal}: interrupted with ${present.length} of ${all.length} containers (${present.join(', ')}); exit ${interrupted.exitCode}`);
      expect({ exitCode: interrupted.exitCode === 0 ? 0 : 'non-zero', complete: interrupted.output.includes('7/7 components healthy') }).toEqual({ exitCode: 'non-zero', complete: false });
      const left = await names();
      expect(left.length).toBeGreaterThan(0);
      expect(left.length).toBeLessThan(all.length);

      const again = await nx(env, 'run', 'router:up');
      expect(outcome(again)).toEqual(SUCCEEDED);
      expect(again.output).toContain('7/7 components healthy');
      // Every member exists once and runs; one network; one leader with its replicas streaming.
      const containers = await docker.containers();
      expect(containers.map((c) => c.name).sort()).toEqual(all);
      expect(containers.filter((c) => c.state !== 'running').map((c) => `${c.name}: ${c.state}`)).toEqual([]);
      const networks = await execa('docker', ['network', 'ls', '--filter', `label=io.paws360.stack=${STACK}`, '--format', '{{.Name}}']);
      expect(networks.stdout.trim().split('\n')).toEqual([`${STACK}-backend`]);
      const { exitCode, json } = await health();
      expect({ exitCode, healthy: json.healthy }).toEqual({ exitCode: 0, healthy: true });
      expect(json.components.filter((c) => c.role === 'leader')).toHaveLength(1);
      expect((await health('router')).json).toMatchObject({ healthy: true });
      expect(await routerSql(5432, 'select pg_is_in_recovery()')).toBe('f');
    });
  }
});
