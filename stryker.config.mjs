/**
 * Mutation testing (StrykerJS, https://stryker-mutator.io/docs/stryker-js/configuration/): `npm run test:mutation`
 * mutates the core modules (routing, protocol translation and the shared wire codecs, the HTTP layer, the client's transport) and runs the
 * in-process tests against each mutant (vitest.mutation.config.ts). Narrow a run with
 * `npm run test:mutation -- --mutate packages/gateway/src/routing/retry-policy.ts`. Reports: reports/mutation/.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'packages/gateway/src/routing/**/*.ts',
    'packages/gateway/src/upstream/**/*.ts',
    'packages/gateway/src/protocols/**/*.ts',
    'packages/gateway/src/http/**/*.ts',
    'packages/wire/src/**/*.ts',
    'packages/client/src/transport.ts',
  ],
  coverageAnalysis: 'perTest',
  ignoreStatic: true,
  concurrency: 2,
  timeoutMS: 30_000,
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
