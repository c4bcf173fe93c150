export interface UpExecutorSchema {
  timeoutSeconds?: number;
  forceRecreate?: boolean;
  rebuild?: boolean;
}
