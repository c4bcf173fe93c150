export interface RecoverExecutorSchema {
  json?: boolean;
  settleSeconds?: number;
  timeoutSeconds?: number;
  stack?: string;
  portOffset?: number;
}
