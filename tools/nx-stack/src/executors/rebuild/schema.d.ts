export interface RebuildExecutorSchema {
  timeoutSeconds?: number;
}
