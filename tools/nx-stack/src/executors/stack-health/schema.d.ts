export interface StackHealthExecutorSchema {
  json?: boolean;
}
