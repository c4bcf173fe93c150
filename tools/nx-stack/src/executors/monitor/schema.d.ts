export interface MonitorExecutorSchema {
  json?: boolean;
  all?: boolean;
  seconds?: number;
  stack?: string;
  portOffset?: number;
}
