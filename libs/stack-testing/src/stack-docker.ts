import { removeStack } from '@paws360/nx-stack/api';
import { DockerodeRuntime, type ExecResult } from '@paws360/nx-stack/runtime';

/** Direct engine access for assertions, through the plugin's own runtime client. */
export class StackDocker {
  readonly runtime = new DockerodeRuntime();

  constructor(readonly stack: string) {}

  async containers(service?: string) {
    const labels: Record<string, string> = { 'io.paws360.stack': this.stack };
    if (service) labels['io.paws360.service'] = service;
    return this.runtime.listContainers(labels);
  }

  async volumes(service?: string) {
    const labels: Record<string, string> = { 'io.paws360.stack': this.stack };
    if (service) labels['io.paws360.service'] = service;
    return this.runtime.listVolumes(labels);
  }

  /**
   * Removes every container, volume and the network of the stack at once
   * (what `nx run stack:prune` does to an orphaned stack): a suite's set-up
   * and clean-up, which need a clean engine, not a graceful stop. The suites
   * test `down` and `down --wipe` themselves, through nx.
   */
  async remove() {
    return removeStack(this.runtime, this.stack);
  }

  async id(container: string): Promise<string> {
    const found = (await this.containers()).find((c) => c.name === container);
    if (!found) throw new Error(`no container ${container} in stack ${this.stack}`);
    return found.id;
  }

  /** Runs a command in a container; throws with its output when it exits non-zero. */
  async exec(container: string, cmd: string[], options: { allowFailure?: boolean } = {}): Promise<ExecResult> {
    const result = await this.runtime.exec(await this.id(container), cmd);
    if (result.exitCode !== 0 && !options.allowFailure) {
      throw new Error(`${cmd.join(' ')} in ${container} exited ${result.exitCode}: ${result.stderr || result.stdout}`);
    }
    return result;
  }

  /** The last `tail` lines of a container's log. */
  async logs(container: string, tail = 500): Promise<string> {
    return this.runtime.logs(await this.id(container), { tail });
  }

  async stop(container: string) {
    await this.runtime.stopContainer(await this.id(container), 10);
  }

  async start(container: string) {
    await this.runtime.startContainer(await this.id(container));
  }
}
