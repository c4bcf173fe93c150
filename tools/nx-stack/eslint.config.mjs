// The plugin's lint (nx run nx-stack:lint): the workspace's rules, plus the
// CommonJS loader files (package entry, executor shims, build script).
import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  { ignores: ['**/nx-stack/dist/**'] },
  {
    files: ['**/nx-stack/index.js', '**/nx-stack/executors/*.js', '**/nx-stack/build.cjs', '**/nx-stack/install-entry.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly', __filename: 'readonly', process: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];
