import { z } from 'zod';

/** Options every Patroni simulation with a writer takes (each adds its own). */
export const patroniWriterOptions = {
  timeoutSeconds: z.number().positive().default(120),
  writeIntervalMs: z.number().int().min(0).default(20),
  json: z.boolean().default(false),
};
