export interface ImageExecutorSchema {
  force?: boolean;
}
