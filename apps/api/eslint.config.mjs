// The API's lint (nx run api:lint): the workspace's rules as they are.
import baseConfig from '../../eslint.config.mjs';

export default [...baseConfig];
