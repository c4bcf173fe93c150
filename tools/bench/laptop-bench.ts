/**
 * Rows of `nx run stack:bench` for operating the stack on a laptop (section
 * "laptop"): preflight of the whole stack, and recovery after every Patroni
 * member was killed at once (the power cut), with the rows written before.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { StackDocker, jsonLine, nx, waitFor, workspaceRoot } from '@paws360/stack-testing';
import { median, type Row } from './rows';


/** `nx run stack:preflight --json`, RUNS times: the plugin's own time and the command's wall. */
export async function preflightRows(env: NodeJS.ProcessEnv, runs: number): Promise<Row[]> {
  const own: number[] = [];
  const wall: number[] = [];
  let summary = '';
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const result = await nx(env, 'run', 'stack:preflight', '--json', '--yes');
    wall.push((performance.now() - started) / 1000);
    const report = jsonLine<{ durationMs: number; checks: Array<{ status: string }> }>(result.output);
    own.push(report.durationMs / 1000);
    summary = `${report.checks.filter((c) => c.status === 'ok').length}/${report.checks.length} checks ok`;
  }
  return [{ measurement: 'preflight of the whole stack (engine, resources, every port, base images)', pluginSeconds: median(own), cliSeconds: median(wall), goalSeconds: 0.5, runs, note: summary }];
}

/** The router's leader port of the bench stack, with the stack's password. */
function routerClient(stack: string, port: number): Client {
  const envFile = readFileSync(join(workspaceRoot, '.paws360', `${stack}.env`), 'utf8');
  const password = /^POSTGRES_SUPERUSER_PASSWORD=(.*)$/m.exec(envFile)?.[1];
  return new Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'paws360', connectionTimeoutMillis: 3000 });
}

/**
 * Every Patroni member SIGKILLed at once (volumes kept), then `stack:recover`:
 * seconds until the whole stack is fully healthy again, and how many of the
 * rows acknowledged before the kill are missing (goal 0).
 */
export async function powerCutRows(env: NodeJS.ProcessEnv, stack: string, routerPort: number): Promise<Row[]> {
  const docker = new StackDocker(stack);
  const client = routerClient(stack, routerPort);
  await client.connect();
  const rows = 500;
  try {
    await client.query('create table if not exists bench_power_cut (id int primary key, v text)');
    await client.query('truncate bench_power_cut');
    for (let i = 0; i < rows; i++) await client.query('insert into bench_power_cut values ($1, $2)', [i, `row ${i}`]);
  } finally {
    await client.end();
  }
  const patroni = await docker.containers('patroni');
  await Promise.all(patroni.map((c) => docker.runtime.killContainer(c.id, 'SIGKILL')));
  const started = performance.now();
  const result = await nx(env, 'run', 'stack:recover');
  if (result.exitCode !== 0) throw new Error(`nx run stack:recover failed after the power cut:\n${result.output.slice(-3000)}`);
  await waitFor('the stack fully healthy', async () => jsonLine<{ healthy: boolean }>((await nx(env, 'run', 'stack:health', '--json')).output).healthy, 120_000, 500);
  const seconds = (performance.now() - started) / 1000;
  const after = routerClient(stack, routerPort);
  await after.connect();
  let present = 0;
  try {
    present = Number((await after.query('select count(*) as n from bench_power_cut')).rows[0].n);
    await after.query('drop table bench_power_cut');
  } finally {
    await after.end();
  }
  const actions = result.output.split('\n').filter((l) => /^\s+- /.test(l)).length;
  return [
    { measurement: 'recovery after every Patroni member was SIGKILLed at once (volumes kept): stack:recover → fully healthy', cliSeconds: seconds, goalSeconds: 30, runs: 1, note: `${actions} recovery actions` },
    { measurement: 'rows lost in the power cut (acknowledged before the kill)', count: rows - present, goalCount: 0, runs: 1, note: `${present}/${rows} present` },
  ];
}

/** `stack:diff:staging --json` on the running stack, RUNS times: the plugin's time, the score, critical and warning counts. */
export async function parityRows(env: NodeJS.ProcessEnv, runs: number): Promise<Row[]> {
  const own: number[] = [];
  const wall: number[] = [];
  let last: { durationMs: number; summary: { score: number; critical: number; warning: number; compared: number } } | undefined;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const result = await nx(env, 'run', 'stack:diff:staging', '--json');
    wall.push((performance.now() - started) / 1000);
    const report = jsonLine<NonNullable<typeof last>>(result.output);
    own.push(report.durationMs / 1000);
    last = report;
  }
  const summary = last?.summary;
  return [
    { measurement: `stack:diff against staging on the running 15-member stack (${summary?.compared ?? '?'} parameters compared)`, pluginSeconds: median(own), cliSeconds: median(wall), goalSeconds: 1, runs },
    {
      measurement: `parity score of the local stack against staging (${summary?.critical ?? '?'} critical, ${summary?.warning ?? '?'} warnings)`,
      count: summary?.score,
      runs: 1,
      note: 'goal ≥ 90 with 0 critical',
    },
  ];
}

/** The data tier measured on both engines: what `npm test`'s Podman stage runs (HAProxy's resolver differs on Podman, docs/podman.md). */
const PODMAN_TIER = 'etcd,patroni,redis,sentinel';
/** Goal: the data tier formed on Podman within this many times the Docker time, on the same machine. */
const PODMAN_RATIO_GOAL = 1.5;

/** Podman's version when its binary is installed, undefined when it is not. */
async function podmanVersion(): Promise<string | undefined> {
  const { execa } = await import('execa');
  const result = await execa('podman', ['--version'], { reject: false });
  return result.exitCode === 0 ? result.stdout.trim().replace(/^podman version /, '') : undefined;
}

/** Whether the Docker-compatible API at `socket` answers GET /_ping with OK. */
async function pingSocket(socket: string): Promise<boolean> {
  const { get } = await import('node:http');
  return new Promise((resolve) => {
    const req = get({ socketPath: socket, path: '/_ping', timeout: 3000 }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve(res.statusCode === 200 && body === 'OK'));
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });
}

/**
 * The data tier from fresh volumes, images present, on Docker (the bench's
 * own stack) and on Podman (its socket through DOCKER_HOST, a stack of its
 * own at +36000), alternately RUNS times each so both see the same machine:
 * the wall of `nx run-many -t up` until the tier is formed. The Podman row's
 * goal is 1.5× the Docker median. Skipped, saying why, when Podman is not
 * installed or its API does not answer.
 */
export async function podmanRows(dockerEnv: NodeJS.ProcessEnv, runs: number): Promise<Row[]> {
  const host = process.env.PAWS360_PODMAN_HOST ?? 'unix:///run/podman/podman.sock';
  const version = await podmanVersion();
  const skipped = (why: string): Row[] => [{ measurement: `data tier formed on Podman: SKIPPED, ${why}`, runs: 0, goalText: `≤ ${PODMAN_RATIO_GOAL}× Docker` }];
  if (!version) return skipped('Podman is not installed on this machine (sudo bash tools/provision/podman.sh installs and starts it)');
  if (!(await pingSocket(host.replace(/^unix:\/\//, '')))) {
    return skipped(`Podman ${version} is installed but no API answers at ${host} (sudo bash tools/provision/podman.sh starts it)`);
  }
  const podmanEnv: NodeJS.ProcessEnv = { ...dockerEnv, DOCKER_HOST: host, PAWS360_STACK: 'paws360-bench-podman', PAWS360_PORT_OFFSET: '36000' };
  const wipe = (env: NodeJS.ProcessEnv) => nx(env, 'run-many', '-t', 'down', '-p', `${PODMAN_TIER},router,api`, '--wipe');
  const up = async (env: NodeJS.ProcessEnv, engine: string) => {
    const started = performance.now();
    const result = await nx(env, 'run-many', '-t', 'up', '-p', PODMAN_TIER);
    if (result.exitCode !== 0) throw new Error(`the data tier did not form on ${engine}:\n${result.output.slice(-3000)}`);
    return (performance.now() - started) / 1000;
  };
  const docker: number[] = [];
  const podman: number[] = [];
  try {
    // Images built in each engine's own store first: not part of the time.
    for (const [env, engine] of [[dockerEnv, 'Docker'], [podmanEnv, 'Podman']] as const) {
      const images = await nx(env, 'run-many', '-t', 'image', '-p', PODMAN_TIER);
      if (images.exitCode !== 0) throw new Error(`the data tier's images did not build on ${engine}:\n${images.output.slice(-3000)}`);
      await wipe(env);
    }
    for (let i = 0; i < runs; i++) {
      docker.push(await up(dockerEnv, 'Docker'));
      await wipe(dockerEnv);
      podman.push(await up(podmanEnv, 'Podman'));
      await wipe(podmanEnv);
    }
  } finally {
    await wipe(podmanEnv);
  }
  const dockerMedian = median(docker);
  const podmanMedian = median(podman);
  const list = (values: number[]) => values.map((v) => v.toFixed(1)).join(', ');
  return [
    { measurement: `data tier formed on Docker from fresh volumes (nx run-many -t up for ${PODMAN_TIER})`, cliSeconds: dockerMedian, runs, note: `runs ${list(docker)} s` },
    {
      measurement: `data tier formed on Podman ${version} from fresh volumes (the same command, DOCKER_HOST=${host})`,
      cliSeconds: podmanMedian,
      goalSeconds: PODMAN_RATIO_GOAL * dockerMedian,
      goalText: `≤ ${PODMAN_RATIO_GOAL}× Docker = ${(PODMAN_RATIO_GOAL * dockerMedian).toFixed(2)} s`,
      runs,
      note: `runs ${list(podman)} s; ${(podmanMedian / dockerMedian).toFixed(2)}× Docker`,
    },
  ];
}
