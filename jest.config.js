/** Jest: TypeScript tests through SWC; Strapi is compiled once (globalSetup) and booted per suite. */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  // n2words (amounts in words on tax receipts) is published as ES modules only
  transformIgnorePatterns: ['/node_modules/(?!n2words/)'],
  testMatch: ['<rootDir>/tests/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/tests/e2e/'],
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.tmp/', '<rootDir>/build/'],
  globalSetup: '<rootDir>/tests/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/tests/helpers/global-teardown.ts',
  // the longest suites first, from the durations of a previous run (tests/helpers/suite-durations.json)
  testSequencer: '<rootDir>/tests/helpers/sequencer.js',
  testTimeout: 120000,
  maxWorkers: 2,
  // a worker keeps about 100 MB of each suite's Strapi (its modules, loaded again by every suite) and the
  // collector then spends longer and longer going through them: a worker that holds more is replaced after
  // its suite by a fresh one
  workerIdleMemoryLimit: '800MB',
};
