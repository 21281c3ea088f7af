/** ESM + TypeScript through SWC: sources are run by Node 24's type stripping in production, SWC only strips types here. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'es6' } }],
  },
  testMatch: ['<rootDir>/{libs,services,tests,test-support,bench,loadtest,deploy}/**/*.test.ts'],
  // End-to-end suites install system packages and run browsers: `npm run test:e2e`.
  testPathIgnorePatterns: ['/node_modules/', '\\.e2e\\.test\\.ts$'],
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/test-support/jest/summary-reporter.js'],
};
