// Unit tests of the API: Fastify's inject() (no socket), fakes behind our own
// interfaces (SisRepository, Cache, health checks).
const preset = require('../../jest.preset.js');

// ES-module-only packages the API's dependencies require() (light-my-request,
// behind Fastify's inject(), needs cookie 1.x): transformed like the preset's own.
const esmOnly = ['cookie'];

module.exports = {
  ...preset,
  displayName: 'api',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  testPathIgnorePatterns: ['\\.integration\\.spec\\.ts$'],
  transformIgnorePatterns: preset.transformIgnorePatterns.map((pattern) => pattern.replace('(?!(', `(?!(${esmOnly.join('|')}|`)),
};
