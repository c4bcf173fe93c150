import { createRuntime, stackHealth, workspaceServices, type ServiceDefinition, type ServiceHealth } from '@paws360/nx-stack/api';
import { workspaceRoot } from './stack-cli';

let services: ServiceDefinition[] | undefined;

/**
 * Whether every member of the named services of the test stack (its env:
 * testStackEnv) is healthy now, probed in this process with the plugin's own
 * probes and verdict, what `nx run <service>:health` reports. For wait loops:
 * polling through nx starts an nx process and a task worker every time, about
 * 1.5 s of CPU each on these 2-core machines. A test's verdict still goes
 * through nx; the loop only decides when to ask.
 *
 * Returns true, or what is not healthy (waitFor prints the last one on a timeout).
 */
export async function healthyNow(env: NodeJS.ProcessEnv, ...names: string[]): Promise<true | string> {
  const results = await healthNow(env, ...names);
  if (results.every((r) => r.healthy)) return true;
  return results
    .filter((r) => !r.healthy)
    .map((r) => `${r.service}: ${r.components.filter((c) => c.status !== 'healthy').map((c) => `${c.name} ${c.status} (${c.detail})`).join(', ') || 'no members'}`)
    .join('; ');
}

/**
 * The health of the named services of the test stack, probed in this process:
 * what `nx run <service>:health --json` prints, for a test that needs a fact
 * on the way (which member leads now) rather than the command's verdict.
 */
export async function healthNow(env: NodeJS.ProcessEnv, ...names: string[]): Promise<ServiceHealth[]> {
  const all = (services ??= workspaceServices(workspaceRoot));
  const unknown = names.filter((name) => !all.some((s) => s.name === name));
  if (unknown.length) throw new Error(`healthNow: no service named ${unknown.join(', ')} (services: ${all.map((s) => s.name).join(', ')})`);
  return stackHealth(workspaceRoot, env, createRuntime(env), all.filter((s) => names.includes(s.name)));
}
