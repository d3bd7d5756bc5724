/**
 * Vitest reporter for `npm run e2e:reference`: after the run, one plain line `N passed, N failed`
 * (and how many were skipped, with the reason printed by the suite), for CI logs and people alike.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed++;
        else if (state === 'failed') counts.failed++;
        else counts.skipped++;
      }
      if (module.state() === 'failed' && [...module.children.allTests()].every((t) => t.result().state !== 'failed')) counts.failed++;
    }
    const skipped = counts.skipped > 0 ? ` (${counts.skipped} skipped)` : '';
    console.log(`\n${counts.passed} passed, ${counts.failed} failed${skipped}`);
  }
}
