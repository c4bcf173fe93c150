export interface FailMasterExecutorSchema {
  timeoutSeconds?: number;
  writeIntervalMs?: number;
  json?: boolean;
}
