// Workspace ESLint (flat config): typescript-eslint's recommended rules plus
// Nx's TypeScript preset and its module-boundary rule. Projects extend this.
import nx from '@nx/eslint-plugin';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: ['**/node_modules/**', '**/dist/**', '**/coverage/**', '**/.nx/**', '**/tmp/**'],
  },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  ...tseslint.configs.recommended,
  {
    // Sources only: config files (eslint, jest) extend the workspace's own by path.
    files: ['**/*.ts'],
    rules: {
      // Who may import whom, by project tag: the application and the services
      // import no workspace project; tools import tools; the test helpers build
      // on the plugin's runtime; the stack project's benchmark on both.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:service', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:tool'] },
            { sourceTag: 'type:test-util', onlyDependOnLibsWithTags: ['type:tool'] },
            { sourceTag: 'type:stack', onlyDependOnLibsWithTags: ['type:tool', 'type:test-util'] },
          ],
        },
      ],
    },
  },
  {
    // Integration suites drive the real stack: they may use the test helpers and the plugin's programmatic API.
    files: ['**/integration/**/*.ts', '**/*.integration.spec.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [{ sourceTag: '*', onlyDependOnLibsWithTags: ['type:test-util', 'type:tool'] }],
        },
      ],
    },
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.cjs', '**/*.mjs'],
    rules: {
      // `_`-prefixed names are deliberately unused (callback positions, rest siblings).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Specs and test helpers assert on shapes they built themselves: non-null assertions keep them short.
    files: ['**/*.spec.ts', '**/testing/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    // CommonJS config files (jest configs, presets) run under Node's require().
    files: ['**/*.cjs', '**/jest.preset.js', '**/jest.config.js'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly', process: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
