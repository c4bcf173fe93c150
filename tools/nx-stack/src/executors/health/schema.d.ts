export interface HealthExecutorSchema {
  json?: boolean;
}
