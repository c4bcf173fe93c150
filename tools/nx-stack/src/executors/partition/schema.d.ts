export interface PartitionExecutorSchema {
  timeoutSeconds?: number;
  writeIntervalMs?: number;
  sampleIntervalMs?: number;
  json?: boolean;
}
