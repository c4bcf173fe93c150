export interface InspectExecutorSchema {
  json?: boolean;
}
