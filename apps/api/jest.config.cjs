// Unit tests of the API: real HTTP on a random port, fakes behind our own
// interfaces (StudentRepository, StudentCache, readiness checks).
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'api',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  testPathIgnorePatterns: ['\\.integration\\.spec\\.ts$'],
};
