export interface StackStatsExecutorSchema {
  json?: boolean;
  watch?: boolean;
  interval?: number;
}
