import { defineConfig } from 'vitest/config';

/**
 * `npm run e2e:reference`: the pipeline on real engines (test/e2e-reference/*.e2e.ts), one file at a time
 * (each starts JVMs of its own), not part of `npm test`.
 */
export default defineConfig({
  test: {
    include: ['test/e2e-reference/**/*.e2e.ts'],
    testTimeout: 300_000,
    hookTimeout: 600_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    globalSetup: ['test/support/global-setup.ts'],
    reporters: ['default', './test/e2e-reference/summary-reporter.ts'],
  },
});
