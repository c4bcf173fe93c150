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
