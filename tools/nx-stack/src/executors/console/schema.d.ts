export interface ConsoleExecutorSchema {
  port?: number;
}
