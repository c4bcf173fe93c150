import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface PipelineDefinition {
  stages: string[];
  defaultBase: string;
  /**
   * Tasks at once (nx --parallel) unless the command line says otherwise. It
   * also bounds the throwaway stacks the integration suites run at once: each
   * suite is one task, and they may overlap.
   */
  parallel: number;
}

export const PIPELINE_FILE = 'tools/ci/pipeline.json';

/**
 * Set for the pipeline's nx run: the nx-stack plugin then prints the stage table
 * (tools/nx-stack/src/pipeline/stage-report.ts, the same name; pipeline.spec.ts
 * checks that they agree). Named here so the runner does not load the whole
 * plugin (0.3 s) to read one string.
 */
export const STAGE_REPORT_ENV = 'PAWS360_STAGE_REPORT';

export function loadPipeline(workspaceRoot: string): PipelineDefinition {
  let raw: Partial<PipelineDefinition>;
  try {
    raw = JSON.parse(readFileSync(join(workspaceRoot, PIPELINE_FILE), 'utf8')) as Partial<PipelineDefinition>;
  } catch (error) {
    throw new Error(`${PIPELINE_FILE} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!Array.isArray(raw.stages) || raw.stages.length === 0 || raw.stages.some((s) => typeof s !== 'string' || !/^[a-z][a-z0-9-]*$/.test(s))) {
    throw new Error(`${PIPELINE_FILE}: "stages" must be a non-empty list of target names`);
  }
  const parallel = raw.parallel ?? 2;
  if (!Number.isInteger(parallel) || parallel < 1) throw new Error(`${PIPELINE_FILE}: "parallel" must be a whole number of tasks, at least 1 (found ${JSON.stringify(raw.parallel)})`);
  return { stages: raw.stages, defaultBase: raw.defaultBase ?? 'main', parallel };
}

export interface PipelineArgs {
  affected: boolean;
  base?: string;
  head?: string;
  stages?: string[];
  /** Everything else goes to nx as it is (e.g. --outputStyle=static, --skip-nx-cache). */
  passthrough: string[];
}

export function parseArgs(argv: string[]): PipelineArgs {
  const args: PipelineArgs = { affected: false, passthrough: [] };
  for (const arg of argv) {
    const [flag, value] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '--affected') args.affected = true;
    else if (flag === '--base' && value) args.base = value;
    else if (flag === '--head' && value) args.head = value;
    else if (flag === '--stages' && value) args.stages = value.split(',').filter(Boolean);
    else args.passthrough.push(arg);
  }
  return args;
}

/**
 * The nx command line for a pipeline run: every stage over every project,
 * or with --affected only over projects touched since the base (and their
 * dependents). Stages must be ones the pipeline defines.
 */
export function nxArgs(pipeline: PipelineDefinition, args: PipelineArgs, env: NodeJS.ProcessEnv = process.env): string[] {
  const stages = args.stages ?? pipeline.stages;
  const unknown = stages.filter((s) => !pipeline.stages.includes(s));
  if (unknown.length) throw new Error(`unknown stage${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: the pipeline has ${pipeline.stages.join(', ')}`);
  // Stages run in pipeline order whatever order they were asked in.
  const ordered = pipeline.stages.filter((s) => stages.includes(s));
  // nx refuses a base together with an explicit change set (--files, --uncommitted, --untracked).
  const explicitChanges = args.passthrough.some((a) => /^--(files|uncommitted|untracked)\b/.test(a));
  const range = explicitChanges
    ? []
    : [`--base=${args.base ?? env.NX_BASE ?? pipeline.defaultBase}`, ...(args.head ?? env.NX_HEAD ? [`--head=${args.head ?? env.NX_HEAD}`] : [])];
  const selection = args.affected ? ['affected', '-t', ...ordered, ...range] : ['run-many', '-t', ...ordered];
  const parallel = args.passthrough.some((a) => /^--parallel\b/.test(a)) ? [] : [`--parallel=${pipeline.parallel}`];
  return [...selection, ...parallel, ...args.passthrough];
}
