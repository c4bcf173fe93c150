export interface FailLeaderExecutorSchema {
  timeoutSeconds?: number;
  writeIntervalMs?: number;
  json?: boolean;
}
