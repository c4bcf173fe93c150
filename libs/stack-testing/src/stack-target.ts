import type { ExecutorContext, ProjectConfiguration, TargetConfiguration } from '@nx/devkit';
import { createRuntime } from '@paws360/nx-stack/api';
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NX_BIN, workspaceRoot, type CliResult } from './stack-cli';

const PLUGIN = '@paws360/nx-stack';

interface GraphFile {
  graph: { nodes: Record<string, { data: ProjectConfiguration }> };
}

let projects: Promise<Record<string, ProjectConfiguration>> | undefined;

/**
 * The workspace's projects as Nx resolves them (inferred targets, target
 * defaults, options): `nx graph --file` once per test process.
 */
function workspaceProjects(env: NodeJS.ProcessEnv): Promise<Record<string, ProjectConfiguration>> {
  return (projects ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paws360-graph-'));
    try {
      const file = join(dir, 'graph.json');
      const result = await execa(process.execPath, [NX_BIN, 'graph', `--file=${file}`], { cwd: workspaceRoot, env, extendEnv: false, reject: false, all: true, stdin: 'ignore' });
      if (result.exitCode !== 0) throw new Error(`nx graph --file failed (exit ${result.exitCode}):\n${result.all}`);
      const { graph } = JSON.parse(readFileSync(file, 'utf8')) as GraphFile;
      return Object.fromEntries(Object.entries(graph.nodes).map(([name, node]) => [name, node.data]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  })());
}

type SchemaType = 'boolean' | 'number' | 'integer' | 'string' | 'array';

/** `--json`, `--no-json`, `--tail=20`, `--trace-id=…`: named and typed by the executor's schema.json, as Nx reads them. */
export function parseTargetArgs(args: string[], types: Record<string, { type?: SchemaType }>): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const arg of args) {
    const match = /^--(no-)?([A-Za-z][\w-]*)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`runTarget: cannot read the argument ${arg} (expected --name, --no-name or --name=value)`);
    const [, negated, given, value] = match;
    // --trace-id is traceId, as Nx reads it.
    const name = given.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
    const type = types[name]?.type;
    if (!type) throw new Error(`runTarget: the executor has no option ${name} (options: ${Object.keys(types).join(', ') || 'none'})`);
    if (negated || value === undefined) {
      if (type !== 'boolean') throw new Error(`runTarget: --${name} needs a value (it is a ${type})`);
      options[name] = !negated;
    } else if (type === 'boolean') options[name] = value === 'true';
    else if (type === 'number' || type === 'integer') options[name] = Number(value);
    else if (type === 'array') options[name] = value.split(',');
    else options[name] = value;
  }
  return options;
}

type Executor = (options: Record<string, unknown>, context: ExecutorContext, deps: unknown) => Promise<{ success: boolean }>;

/**
 * `nx run <project>:<target> [--option…]` with the target's executor called
 * in this process: the plugin's own executor source, the target's options
 * from the real project graph, the test stack's env, real containers. What
 * it skips is Nx's CLI around it: a client process, the task runner and a
 * forked worker, about 2.3 s of CPU per command on these 2-core machines
 * (docs/benchmarks.md), while a suite's own check takes a few ms.
 *
 * For the many checks along a suite's way (health, inspect, a simulation's
 * report). What goes through Nx itself (task dependencies, run-many, batch
 * mode, a signal to the process group, Nx's exit code) is tested with nx().
 * Only this plugin's executors run here, and never a target's dependencies.
 */
export async function runTarget(env: NodeJS.ProcessEnv, projectTarget: string, ...args: string[]): Promise<CliResult> {
  const [projectName, targetName] = projectTarget.split(':');
  const all = await workspaceProjects(env);
  const target: TargetConfiguration | undefined = all[projectName]?.targets?.[targetName];
  if (!target) throw new Error(`runTarget: no target ${projectTarget} in the workspace`);
  const executorName = target.executor?.startsWith(`${PLUGIN}:`) ? target.executor.slice(PLUGIN.length + 1) : undefined;
  if (!executorName) throw new Error(`runTarget: ${projectTarget} runs ${target.executor}, not an executor of ${PLUGIN}: use nx()`);
  const dir = join(workspaceRoot, 'tools/nx-stack/src/executors', executorName);
  const schema = JSON.parse(readFileSync(join(dir, 'schema.json'), 'utf8')) as { properties?: Record<string, { type?: SchemaType }> };
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the executor named by the graph, loaded as Nx would
  const executor = (require(join(dir, 'executor.ts')) as { default: Executor }).default;
  const options = { ...(target.options as Record<string, unknown>), ...parseTargetArgs(args, schema.properties ?? {}) };
  const lines: string[] = [];
  const context = {
    root: workspaceRoot,
    cwd: workspaceRoot,
    isVerbose: false,
    projectName,
    targetName,
    projectsConfigurations: { version: 2, projects: all },
    nxJsonConfiguration: JSON.parse(readFileSync(join(workspaceRoot, 'nx.json'), 'utf8')),
  } as unknown as ExecutorContext;
  const deps = { runtime: createRuntime(env), log: (line: string) => lines.push(line), error: (line: string) => lines.push(line), env };
  const { success } = await executor(options, context, deps);
  return { exitCode: success ? 0 : 1, output: lines.join('\n') };
}
