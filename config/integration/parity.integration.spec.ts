import { jsonLine, nx, outcome, StackDocker, SUCCEEDED, testStackEnv, workspaceRoot } from '@paws360/stack-testing';
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// TC-009 and AC-5 of configuration parity (docs/parity.md) on a real data tier:
// a throwaway stack of its own, ports shifted by 31000 (tools/ci/src/port-plan.spec.ts checks no other stack shares a port).
const STACK = 'paws360-it-parity';
const OFFSET = 31000;
const env = testStackEnv(STACK, OFFSET);
const docker = new StackDocker(STACK);
const SERVICES = ['etcd', 'patroni', 'router', 'redis', 'sentinel'];

interface Finding {
  service: string;
  parameter: string;
  status: string;
  severity: string;
  local?: unknown;
  target?: unknown;
  fix?: string;
}
interface Report {
  stack: string;
  target: string;
  findings: Finding[];
  summary: { critical: number; warning: number; info: number; accepted: number; drift: number; compared: number; score: number; exitCode: number };
  durationMs: number;
}

/** The node entry (npm run diff --): the exit status a shell sees, 0/1/2. */
async function diff(...args: string[]): Promise<{ exitCode: number; output: string; report?: Report }> {
  const result = await execa('node', ['tools/nx-stack/bin/stack-diff.cjs', ...args, '--json'], { cwd: workspaceRoot, env, extendEnv: false, reject: false, all: true });
  const output = result.all ?? '';
  let report: Report | undefined;
  try {
    report = jsonLine<Report>(output);
  } catch {
    report = undefined;
  }
  return { exitCode: result.exitCode ?? -1, output, report };
}

const finding = (report: Report, service: string, parameter: string) => report.findings.find((f) => f.service === service && f.parameter === parameter);
const redisCli = (member: number, ...args: string[]) =>
  docker.exec(`${STACK}-redis-${member}`, ['sh', '-c', 'REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli "$@"', 'sh', ...args]);

async function redisMaster(): Promise<number> {
  for (const n of [1, 2, 3]) {
    if ((await redisCli(n, 'ROLE')).stdout.startsWith('master')) return n;
  }
  throw new Error('no Redis master');
}

describe('configuration parity on a real stack', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'parity-it-'));

  beforeAll(async () => {
    const result = await nx(env, 'run-many', '-t', 'up', '-p', ...SERVICES);
    expect({ exitCode: result.exitCode, output: result.output.slice(-3000) }).toMatchObject({ exitCode: 0 });
  });

  afterAll(async () => {
    rmSync(scratch, { recursive: true, force: true });
    await docker.remove();
  });

  it('AC-5: the clean local stack against staging: 0 critical, fewer than 3 warnings, score ≥ 85; every compared parameter listed', async () => {
    const { exitCode, report, output } = await diff('--target=staging');
    expect(outcome({ exitCode, output })).toEqual(SUCCEEDED);
    console.log(`staging: ${JSON.stringify(report!.summary)} in ${report!.durationMs} ms`);
    expect(report!.summary.critical).toBe(0);
    expect(report!.summary.warning).toBeLessThan(3);
    expect(report!.summary.score).toBeGreaterThanOrEqual(85);
    expect(report!.summary.drift).toBe(0);
    // Every parameter of the baseline is in the report, for the running services read live.
    const baseline = readFileSync(join(workspaceRoot, 'config/staging/baseline.yaml'), 'utf8');
    for (const parameter of ['synchronous_mode', 'synchronous_mode_strict', 'ttl', 'max_connections', 'shared_buffers', 'wal_level', 'synchronous_commit']) {
      expect(baseline).toContain(`${parameter}:`);
      expect(finding(report!, 'patroni', parameter)).toMatchObject({ status: expect.stringMatching(/^(match|accepted)$/) });
    }
    for (const [service, parameter] of [['redis', 'maxmemory-policy'], ['redis', 'appendonly'], ['redis', 'min-replicas-to-write'], ['redis', 'version'], ['sentinel', 'quorum'], ['sentinel', 'down-after-milliseconds'], ['etcd', 'version'], ['etcd', 'members']]) {
      expect([service, parameter, finding(report!, service, parameter)?.status]).toEqual([service, parameter, expect.stringMatching(/^(match|accepted|differs)$/)]);
    }
    expect(finding(report!, 'patroni', 'postgres_version')).toMatchObject({ status: 'match', local: expect.stringMatching(/^15\./) });
  });

  it('the same through Nx: nx run stack:diff:staging succeeds and prints the table and the score', async () => {
    const result = await nx(env, 'run', 'stack:diff:staging');
    expect(outcome(result)).toEqual(SUCCEEDED);
    expect(result.output).toMatch(/COMPONENT\s+PARAMETER\s+LOCAL\s+TARGET\s+STATUS\s+SEVERITY\s+FIX/);
    expect(result.output).toMatch(/paws360-it-parity vs staging: \d+ compared · 0 critical · .* parity \d+\/100/);
  });

  it('TC-009: maxmemory-policy changed live with CONFIG SET is critical drift with its fix, exit 2 (Nx: 1); setting it back gives 0', async () => {
    const master = await redisMaster();
    await redisCli(master, 'CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    try {
      const { exitCode, report } = await diff('--target=staging');
      expect(exitCode).toBe(2);
      expect(finding(report!, 'redis', 'maxmemory-policy')).toMatchObject({
        status: 'drift',
        severity: 'critical',
        target: 'allkeys-lru',
        fix: expect.stringContaining('CONFIG SET maxmemory-policy allkeys-lru'),
      });
      expect(report!.summary.critical).toBeGreaterThanOrEqual(1);
      expect((await nx(env, 'run', 'stack:diff:staging')).exitCode).toBe(1);
    } finally {
      await redisCli(master, 'CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
    }
    expect(outcome(await diff('--target=staging'))).toEqual(SUCCEEDED);
  });

  it('TC-009: synchronous_mode off in a temp copy of the baseline is a critical difference with a fix, exit 2', async () => {
    const copy = join(scratch, 'staging-sync-off.yaml');
    const text = readFileSync(join(workspaceRoot, 'config/staging/baseline.yaml'), 'utf8');
    const changed = text.replace(/(synchronous_mode:\n\s+value: )true/, '$1false');
    expect(changed).not.toBe(text);
    writeFileSync(copy, changed);
    const { exitCode, report } = await diff(`--baseline=${copy}`);
    expect(exitCode).toBe(2);
    expect(finding(report!, 'patroni', 'synchronous_mode')).toMatchObject({ status: 'differs', severity: 'critical', local: true, target: false, fix: expect.stringContaining('patronictl edit-config') });
  });

  it('TC-009: a baseline with a wrong type fails naming the file and the field, exit 1', async () => {
    const bad = join(scratch, 'bad.yaml');
    writeFileSync(bad, readFileSync(join(workspaceRoot, 'config/staging/baseline.yaml'), 'utf8').replace(/(quorum:\n\s+value: )2/, '$1two'));
    const { exitCode, output } = await diff(`--baseline=${bad}`);
    expect(exitCode).toBe(1);
    expect(output).toContain('bad.yaml');
    expect(output).toContain('field "services.sentinel.parameters.quorum.value": expected an integer');
  });

  it('TC-009: a snapshot of the running stack diffed against itself scores 100; so does the stack against itself as another live stack', async () => {
    const out = join(scratch, 'snapshot');
    const result = await nx(env, 'run', 'stack:snapshot', `--out=${out}`, '--environment=itcopy');
    expect({ exitCode: result.exitCode, output: result.exitCode ? result.output.slice(-2000) : '' }).toEqual({ exitCode: 0, output: '' });
    expect(result.output).toMatch(/wrote .*baseline\.yaml: \d+ parameters of \d+ services from stack paws360-it-parity/);
    const self = await diff(`--baseline=${join(out, 'baseline.yaml')}`);
    const differences = (report: Report) => report.findings.filter((f) => f.status !== 'match' && f.status !== 'accepted');
    expect({ exitCode: self.exitCode, differences: differences(self.report!) }).toEqual({ exitCode: 0, differences: [] });
    expect(self.report!.summary).toMatchObject({ score: 100, critical: 0, warning: 0, info: 0 });
    const against = await diff(`--against-stack=${STACK}`, `--against-port-offset=${OFFSET}`);
    expect({ exitCode: against.exitCode, differences: differences(against.report!) }).toEqual({ exitCode: 0, differences: [] });
    expect(against.report!.summary).toMatchObject({ score: 100, critical: 0, warning: 0 });
  });
});
