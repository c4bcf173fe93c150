export interface RestoreExecutorSchema {
  timeoutSeconds?: number;
}
