export interface HealthExecutorSchema {
  json?: boolean;
  stack?: string;
  portOffset?: number;
}
