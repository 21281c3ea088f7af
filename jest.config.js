/**
 * ESM + TypeScript through SWC: sources are run by Node 24's type stripping in production, SWC only
 * strips types here. Two projects: `fast` (unit tests, contract suites on the memory adapters,
 * HTTP-level flows in this process) for the inner loop, `npm run test:fast`; `integration`
 * (other processes, stand-in servers, real Prometheus and promtool, the chart renderer, the soak)
 * beside it in `npm test`. End-to-end suites install system packages and run browsers: `npm run test:e2e`.
 */
const transform = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'es6' } }],
};
const common = { testEnvironment: 'node', extensionsToTreatAsEsm: ['.ts'], transform, rootDir: '.' };

/** Suites that start processes or servers beyond this one, or run for long by design. */
const INTEGRATION = [
  '**/tests/{cluster,deploy,faults,loadtest,process,soak}/**/*.test.ts',
  '**/tests/observability/{cross-replica-trace,dashboard,metrics-scrape,real-prometheus,rules,rules-chart,signal-tracing,tracing-preload}.test.ts',
  '**/tests/security/{drain-connection-close,fuzz-full,supply-chain,trace-steering}.test.ts',
  // Floods of hundreds of connections with latency and memory bounds: load tests, like the soak.
  '**/tests/security/wakeup-{idle-connections,slow-senders,refusal-log}.test.ts',
  '**/*.{cosmos,servicebus,direct}.test.ts',
  '**/libs/common/test/direct/**/*.test.ts',
  '**/services/signaling/test/directed-wakeups.test.ts',
  '**/test-support/{helm-render,k6-shim,prometheus,servicebus-broker}/test/**/*.test.ts',
  '**/bench/test/{clients,validators-differential}.test.ts',
];
const EVERY = '<rootDir>/{libs,services,tests,test-support,bench,loadtest,deploy}/**/*.test.ts';
const ignored = ['/node_modules/', '\\.e2e\\.test\\.ts$'];

export default {
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/test-support/jest/summary-reporter.js'],
  projects: [
    { ...common, displayName: 'fast', testMatch: [EVERY, ...INTEGRATION.map((glob) => `!${glob}`)], testPathIgnorePatterns: ignored },
    { ...common, displayName: 'integration', testMatch: INTEGRATION, testPathIgnorePatterns: ignored },
  ],
};
