// The self-hosted Nx remote cache: its HTTP contract, and real `nx` runs
// (the repo's own Nx 23) against it in throwaway workspaces.
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'remote-cache',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
