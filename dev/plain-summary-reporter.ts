// A Vitest reporter that ends the run with one plain line, "vitest: N passed, N failed, N skipped",
// after the default reporter's summary: a closing line CI log readers recognise whatever the runner.
import type { Reporter, TestModule } from 'vitest/node';

export default class PlainSummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed++;
        else if (state === 'failed') counts.failed++;
        else counts.skipped++;
      }
      // A file that failed to load has no tests but must not read as a clean run.
      if (module.state() === 'failed' && !module.children.size) counts.failed++;
    }
    process.stdout.write(`vitest: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  }
}
