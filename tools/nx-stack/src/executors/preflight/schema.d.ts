export interface PreflightExecutorSchema {
  json?: boolean;
  yes?: boolean;
  stack?: string;
  portOffset?: number;
}
