export interface RunExecutorSchema {
  command: string;
  args?: string;
  env?: Record<string, string>;
  cwd?: string;
  stack?: string;
  portOffset?: number;
}
