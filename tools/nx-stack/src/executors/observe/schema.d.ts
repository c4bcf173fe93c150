export interface ObserveExecutorSchema {
  profile?: string;
  json?: boolean;
}
