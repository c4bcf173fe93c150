#!/usr/bin/env node
// `npm run diff -- --target=staging [--json] [--against-stack=<name>] [--baseline=<file>]`:
// the same comparison as `nx run stack:diff:staging`, with the exit status Nx
// cannot give a target: 0 no critical difference, 2 a critical one, 1 an
// error (docs/parity.md). Runs the plugin's built code (rebuilt first when
// its sources changed), from the workspace root.
'use strict';
const { resolve } = require('node:path');

require('../build.cjs').ensureFresh();
const root = resolve(__dirname, '../../..');
const { workspaceServices } = require('../dist/api.js');
const { diffMain } = require('../dist/executors/diff.js');

diffMain(process.argv.slice(2), root, workspaceServices(root)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error instanceof Error ? error.stack : String(error));
    process.exitCode = 1;
  },
);
