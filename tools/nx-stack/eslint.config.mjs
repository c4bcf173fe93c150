// The plugin's lint (nx run nx-stack:lint): the workspace's rules as they are.
import baseConfig from '../../eslint.config.mjs';

export default [...baseConfig];
