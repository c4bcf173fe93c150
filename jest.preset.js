// Shared jest settings: @swc/jest strips types (tsc's `typecheck` target is
// what checks them), which keeps a unit run to a couple of seconds.

// execa 9 and its helpers ship only ES modules; jest's module system cannot
// require() them, so they are transformed to CommonJS like our own sources.
const esmOnly = [
  'execa',
  '@sec-ant',
  '@sindresorhus',
  'figures',
  'get-stream',
  'human-signals',
  'is-plain-obj',
  'is-stream',
  'is-unicode-supported',
  'npm-run-path',
  'parse-ms',
  'path-key',
  'pretty-ms',
  'strip-final-newline',
  'unicorn-magic',
  'yoctocolors',
];

module.exports = {
  testEnvironment: 'node',
  // unicorn-magic (used by execa) exports only an "import" condition, which
  // jest's CommonJS resolver never matches: point it at its node build.
  moduleNameMapper: {
    '^unicorn-magic$': require('node:path').join(__dirname, 'node_modules/unicorn-magic/node.js'),
  },
  transform: {
    '^.+\\.[tj]s$': [
      '@swc/jest',
      {
        swcrc: false,
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
      },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
  // JUnit XML for CI (dist/test-results/<project>/), beside the usual console report.
  reporters: ['default', ['jest-junit', { outputDirectory: process.env.JEST_JUNIT_OUTPUT_DIR ?? 'dist/test-results/unknown' }]],
};
