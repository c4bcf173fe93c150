export interface FlushExecutorSchema {
  yes?: boolean;
  json?: boolean;
  stack?: string;
  portOffset?: number;
}
