import type { Reporter, TestModule } from "vitest/node";

/** Ends the run with a plain `N passed, N failed` line that CI and people can count. */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of modules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failed++;
        else skipped++;
      }
      if (mod.state() === "failed" && mod.children.size === 0) failed++;
    }
    const tail = skipped ? `, ${skipped} skipped` : "";
    console.log(`\ntests: ${passed} passed, ${failed} failed${tail}`);
  }
}
