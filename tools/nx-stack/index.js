// The plugin's package entry, what nx.json's "@paws360/nx-stack" loads: the
// JavaScript build in dist/ (no TypeScript transpiled per command), rebuilt
// first when src/ changed since it was built (build.cjs). Nx reaches it through
// node_modules/@paws360/nx-stack, a real folder that install-entry.cjs keeps current.
require('./install-entry.cjs').ensureWorkspaceEntry();
require('./build.cjs').ensureFresh();
module.exports = require('./dist/index.js');
