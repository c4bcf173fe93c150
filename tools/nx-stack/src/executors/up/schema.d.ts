export interface UpExecutorSchema {
  timeoutSeconds?: number;
  forceRecreate?: boolean;
  rebuild?: boolean;
  stack?: string;
  portOffset?: number;
}
