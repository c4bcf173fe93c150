/** One row of `nx run stack:bench`'s table; every section returns these. */
export interface Row {
  measurement: string;
  /** Median wall time of the whole `nx …` command, as a user waits for it. */
  cliSeconds?: number;
  /** What the plugin itself spent (its own timer), or what a simulation measured. */
  pluginSeconds?: number;
  goalSeconds?: number;
  /** How the goal is shown when it is derived (e.g. "0.6× compose = 18.2 s"). */
  goalText?: string;
  /** For counts (rows lost): the value, compared with goalCount. */
  count?: number;
  goalCount?: number;
  runs: number;
  note?: string;
}

export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
