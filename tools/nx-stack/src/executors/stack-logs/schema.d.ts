export interface StackLogsExecutorSchema {
  service?: string;
  member?: string;
  level?: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  grep?: string;
  traceId?: string;
  since?: string;
  until?: string;
  limit?: number;
  follow?: boolean;
  json?: boolean;
}
