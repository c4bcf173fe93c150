export interface LogsExecutorSchema {
  follow?: boolean;
  since?: string;
  tail?: number;
  timestamps?: boolean;
}
