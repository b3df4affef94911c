import { defineConfig } from 'vitest/config';

/**
 * One vitest run for the whole repository. End-to-end tests start real gateway processes from
 * `packages/gateway/dist`, so `npm test` builds first; `test/global-setup.ts` rebuilds when run alone.
 */
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'bench/**/*.test.ts'],
    globalSetup: ['./test/global-setup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
