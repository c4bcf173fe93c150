export interface SetupExecutorSchema {
  json?: boolean;
  provision?: boolean;
  stack?: string;
  portOffset?: number;
}
