export interface FailNodeExecutorSchema {
  member?: number;
  writes?: number;
  timeoutSeconds?: number;
  json?: boolean;
}
