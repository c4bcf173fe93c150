export interface DiffExecutorSchema {
  target?: string;
  baseline?: string;
  againstStack?: string;
  againstPortOffset?: number;
  json?: boolean;
  stack?: string;
  portOffset?: number;
}
