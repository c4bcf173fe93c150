// Unit tests of the pipeline definition and runner.
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'ci-pipeline',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  testPathIgnorePatterns: ['\\.integration\\.spec\\.ts$'],
};
