// Integration tests: real containers on the real engine, started by the tests
// themselves through the nx CLI. Serial (one stack at a time on 2 cores) and
// with generous timeouts: they check behaviour, not speed (that is stack:bench).
const preset = require('./jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'integration',
  rootDir: __dirname,
  testMatch: ['<rootDir>/**/*.integration.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  // Build outputs are left out of jest's crawl of the workspace, not only of its tests: other tasks of
  // the same pipeline rewrite them while a suite starts, and the crawl read a dist/apps/api/package.json
  // that a concurrent api build had just replaced (ENOENT: the suite failed before any test ran).
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/tmp/'],
  moduleNameMapper: {
    ...preset.moduleNameMapper,
    '^@paws360/stack-testing$': '<rootDir>/libs/stack-testing/src/index.ts',
    '^@paws360/nx-stack/runtime$': '<rootDir>/tools/nx-stack/src/runtime/index.ts',
    '^@paws360/nx-stack/api$': '<rootDir>/tools/nx-stack/src/api.ts',
  },
  testTimeout: 10 * 60_000,
  maxWorkers: 1,
};
