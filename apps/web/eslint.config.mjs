// The frontend's lint (nx run web:lint): the workspace's rules, plus the
// module-boundary rule and the specs' allowance for non-null assertions
// extended to .tsx files (the workspace applies them to .ts only).
import baseConfig from '../../eslint.config.mjs';

const boundaries = baseConfig.find((block) => block.files?.length === 1 && block.files[0] === '**/*.ts' && block.rules?.['@nx/enforce-module-boundaries']);

export default [
  // Next's build and dev output, and its generated declarations (patterns are relative to where eslint runs).
  { ignores: ['**/.next/**', '**/.next-*/**', '**/next-env.d.ts'] },
  ...baseConfig,
  ...(boundaries ? [{ files: ['**/*.tsx'], rules: boundaries.rules }] : []),
  { files: ['**/*.spec.tsx'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
];
