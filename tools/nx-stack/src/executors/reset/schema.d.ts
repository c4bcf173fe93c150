export interface ResetExecutorSchema {
  yes?: boolean;
  json?: boolean;
  stack?: string;
  portOffset?: number;
}
