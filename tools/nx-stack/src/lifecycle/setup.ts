// `nx run stack:setup`: everything a first start needs, in order, each step
// reported: an engine that answers (provisioned when none does), the base
// images the Dockerfiles start FROM, the stack's git-ignored secrets, every
// service's image, then the same preflight `up` runs (resources, ports).
// The first `up` does the secrets and images itself; setup does them ahead,
// so a first `npm start` only starts.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureSecrets, secretsFile } from '../core/secrets';
import type { ServiceDefinition } from '../core/service-config';
import { baseImageChecks, failed, preflight, warned, type PreflightCheck } from './preflight';
import type { StackDeps } from './stack-deps';

export type SetupStatus = 'done' | 'ok' | 'warn' | 'failed';

export interface SetupStep {
  step: string;
  status: SetupStatus;
  detail: string;
  /** What to do when it failed (or warned). */
  fix?: string;
  durationMs: number;
}

export interface SetupReport {
  stack: string;
  steps: SetupStep[];
  durationMs: number;
}

/** A host command, its output shown to the user; resolves to its exit code. */
export type RunCommand = (command: string, args: string[]) => Promise<number>;

export interface SetupDeps extends StackDeps {
  workspaceRoot: string;
  stack: string;
  run: RunCommand;
  /** Install/start an engine when none answers (the provisioning script). Off: only say what to do. */
  provision: boolean;
}

export const PROVISION_SCRIPT = 'tools/provision/docker-engine.sh';

const since = (started: number) => Math.round(performance.now() - started);

async function engineAnswers(deps: SetupDeps): Promise<string | undefined> {
  try {
    await deps.runtime.ping();
    return undefined;
  } catch (error) {
    return (error as Error).message.split('\n')[0];
  }
}

/** The engine, provisioned when it does not answer and we may (Docker on this host, not a DOCKER_HOST elsewhere). */
async function engineStep(deps: SetupDeps): Promise<SetupStep> {
  const started = performance.now();
  const problem = await engineAnswers(deps);
  if (problem === undefined) return { step: 'engine', status: 'ok', detail: 'answers', durationMs: since(started) };
  const script = join(deps.workspaceRoot, PROVISION_SCRIPT);
  if (!deps.provision || deps.env.DOCKER_HOST || !existsSync(script)) {
    return {
      step: 'engine',
      status: 'failed',
      detail: problem,
      fix: deps.env.DOCKER_HOST ? `start the engine DOCKER_HOST=${deps.env.DOCKER_HOST} points at (Podman: bash tools/provision/podman.sh)` : `bash ${PROVISION_SCRIPT} (or start Docker)`,
      durationMs: since(started),
    };
  }
  deps.log(`setup: no engine answers (${problem}); running ${PROVISION_SCRIPT}`);
  const code = await deps.run('bash', [script]);
  const still = await engineAnswers(deps);
  return still === undefined
    ? { step: 'engine', status: 'done', detail: `provisioned by ${PROVISION_SCRIPT}`, durationMs: since(started) }
    : { step: 'engine', status: 'failed', detail: `${PROVISION_SCRIPT} exited ${code}; the engine still does not answer: ${still}`, fix: `read its output above, fix it and run nx run stack:setup again`, durationMs: since(started) };
}

/** Base images: the provisioning script builds debian:bookworm-slim offline when it is missing. */
async function baseImageStep(deps: SetupDeps, services: ServiceDefinition[]): Promise<SetupStep> {
  const started = performance.now();
  const missing = (checks: PreflightCheck[]) => checks.filter((c) => c.status !== 'ok').map((c) => c.check.replace(/^base image /, ''));
  let absent = missing(await baseImageChecks(deps.runtime, deps.workspaceRoot, services));
  if (absent.length === 0) return { step: 'base images', status: 'ok', detail: 'present', durationMs: since(started) };
  if (deps.provision && !deps.env.DOCKER_HOST) {
    deps.log(`setup: base image${absent.length > 1 ? 's' : ''} ${absent.join(', ')} missing; running ${PROVISION_SCRIPT}`);
    await deps.run('bash', [join(deps.workspaceRoot, PROVISION_SCRIPT)]);
    const before = absent.join(', ');
    absent = missing(await baseImageChecks(deps.runtime, deps.workspaceRoot, services));
    if (absent.length === 0) return { step: 'base images', status: 'done', detail: `${before} built by ${PROVISION_SCRIPT}`, durationMs: since(started) };
  }
  return { step: 'base images', status: 'failed', detail: `${absent.join(', ')} not on the engine`, fix: `npm run provision (builds them offline on Debian), or docker pull ${absent.join(' ')}`, durationMs: since(started) };
}

function secretsStep(deps: SetupDeps, services: ServiceDefinition[]): SetupStep {
  const started = performance.now();
  const names = [...new Set(services.flatMap((s) => s.config.secrets))].sort();
  const file = secretsFile(deps.workspaceRoot, deps.stack);
  const existed = existsSync(file);
  ensureSecrets(deps.workspaceRoot, deps.stack, names);
  return {
    step: 'secrets',
    status: existed ? 'ok' : 'done',
    detail: `${file} ${existed ? 'has' : 'generated with'} ${names.join(', ') || 'nothing'} (git-ignored)`,
    durationMs: since(started),
  };
}

async function imagesStep(deps: SetupDeps): Promise<SetupStep> {
  const started = performance.now();
  const code = await deps.run('npx', ['nx', 'run-many', '-t', 'image']);
  return code === 0
    ? { step: 'images', status: 'done', detail: 'every service image present (built where its content hash changed)', durationMs: since(started) }
    : { step: 'images', status: 'failed', detail: `nx run-many -t image exited ${code}`, fix: 'the failing image task says why above; fix it and run nx run stack:setup again', durationMs: since(started) };
}

/**
 * Runs every step in order; a failed step stops the ones that need it (no
 * images without an engine). Idempotent: a second run finds everything done.
 */
export async function setup(deps: SetupDeps, services: ServiceDefinition[]): Promise<SetupReport> {
  const started = performance.now();
  const steps: SetupStep[] = [];
  const engine = await engineStep(deps);
  steps.push(engine);
  if (engine.status !== 'failed') {
    const base = await baseImageStep(deps, services);
    steps.push(base);
    steps.push(secretsStep(deps, services));
    if (base.status !== 'failed') steps.push(await imagesStep(deps));
    const report = await preflight(deps, services);
    const bad = [...failed(report), ...warned(report)].filter((c) => c.check !== 'secrets' && !c.check.startsWith('base image'));
    steps.push(
      bad.length === 0
        ? { step: 'preflight', status: 'ok', detail: `${report.checks.length} checks ok (engine, resources, ports, Node.js)`, durationMs: report.durationMs }
        : {
            step: 'preflight',
            status: bad.some((c) => c.status === 'fail') ? 'failed' : 'warn',
            detail: bad.map((c) => `${c.check}: ${c.detail}`).join('; '),
            fix: bad.map((c) => c.fix).filter(Boolean).join('; ') || 'see nx run stack:preflight',
            durationMs: report.durationMs,
          },
    );
  } else {
    steps.push(secretsStep(deps, services));
  }
  return { stack: deps.stack, steps, durationMs: since(started) };
}

export const setupFailed = (report: SetupReport) => report.steps.filter((s) => s.status === 'failed');
