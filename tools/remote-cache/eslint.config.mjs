// The cache server's lint (nx run remote-cache:lint): the workspace's rules as they are.
import baseConfig from '../../eslint.config.mjs';

export default [...baseConfig];
