// Loads the built executor (tools/nx-stack/dist), rebuilding it first when src/ changed.
require('../build.cjs').ensureFresh();
module.exports = require('../dist/executors/setup.js');
