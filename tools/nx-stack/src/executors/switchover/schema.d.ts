export interface SwitchoverExecutorSchema {
  candidate?: number;
  timeoutSeconds?: number;
  writeIntervalMs?: number;
  json?: boolean;
}
