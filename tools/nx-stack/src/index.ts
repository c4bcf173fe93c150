import type { PostTasksExecution } from '@nx/devkit';
import { STAGE_REPORT_ENV, writeStageReport } from './pipeline/stage-report';
import { createDependencies } from './plugin/create-dependencies';
import { createNodes } from './plugin/create-nodes';

export { createDependencies, createNodes, STAGE_REPORT_ENV };

/**
 * After a pipeline run (the runner sets PAWS360_STAGE_REPORT=1): the stage
 * table on the terminal, dist/ci/stages.json and dist/ci/timings.csv.
 */
export const postTasksExecution: PostTasksExecution = (_options, context) => {
  if (process.env[STAGE_REPORT_ENV] !== '1') return;
  const table = writeStageReport(context.workspaceRoot, context.taskResults, context.startTime, context.endTime);
  console.log(`\nPipeline stages (dist/ci/stages.json, dist/ci/timings.csv):\n${table}`);
};
/** Older Nx versions look for createNodesV2; Nx 23 uses createNodes. */
export const createNodesV2 = createNodes;
export const name = '@paws360/nx-stack';
