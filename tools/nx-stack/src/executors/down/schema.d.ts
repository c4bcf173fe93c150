export interface DownExecutorSchema {
  wipe?: boolean;
}
