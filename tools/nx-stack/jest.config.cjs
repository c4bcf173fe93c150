// Unit tests of the plugin: fakes behind our own interfaces, real temp folders.
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'nx-stack',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  testPathIgnorePatterns: ['\\.integration\\.spec\\.ts$'],
  setupFiles: ['<rootDir>/jest.env.cjs'],
};
