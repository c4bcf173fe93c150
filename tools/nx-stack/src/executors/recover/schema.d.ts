export interface RecoverExecutorSchema {
  json?: boolean;
  settleSeconds?: number;
  timeoutSeconds?: number;
  services?: string | string[];
  stack?: string;
  portOffset?: number;
}
