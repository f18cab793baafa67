/** Browser tests of the built admin panel (npm run test:e2e): one server with the demo data, Debian's Chromium. */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  testMatch: ['<rootDir>/tests/e2e/**/*.e2e.ts'],
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.tmp/', '<rootDir>/build/'],
  globalSetup: '<rootDir>/tests/e2e/server.ts',
  globalTeardown: '<rootDir>/tests/e2e/teardown.ts',
  testTimeout: 180000,
  maxWorkers: 1,
};
