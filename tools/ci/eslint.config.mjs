// nx run ci-pipeline:lint: the workspace's rules as they are.
import baseConfig from '../../eslint.config.mjs';

export default [...baseConfig];
