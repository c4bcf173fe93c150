export interface PruneExecutorSchema {
  dryRun?: boolean;
  json?: boolean;
}
