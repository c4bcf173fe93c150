import type { Progress } from '../core/progress';
import type { ServiceDefinition } from '../core/service-config';
import type { ServiceProbe } from '../kinds/kind';
import type { ContainerRuntime } from '../runtime/container-runtime';

/**
 * What commands acting on a stack reach the outside world through: the
 * engine, the terminal and the environment. Executors build the real one;
 * specs pass fakes.
 */
export interface StackDeps {
  runtime: ContainerRuntime;
  log: (line: string) => void;
  error: (line: string) => void;
  env: NodeJS.ProcessEnv;
  probe?: (service: ServiceDefinition) => ServiceProbe;
  progress?: Progress;
  portFree?: (port: number) => Promise<boolean>;
  pollMs?: number;
}
