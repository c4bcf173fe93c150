export interface SnapshotExecutorSchema {
  out: string;
  environment?: string;
  stack?: string;
  portOffset?: number;
}
