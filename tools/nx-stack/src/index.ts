import { createDependencies } from './plugin/create-dependencies';
import { createNodes } from './plugin/create-nodes';

export { createDependencies, createNodes };
/** Older Nx versions look for createNodesV2; Nx 23 uses createNodes. */
export const createNodesV2 = createNodes;
export const name = '@paws360/nx-stack';
