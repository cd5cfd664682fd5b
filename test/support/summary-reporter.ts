import type { Reporter, TestCase, TestModule, TestSuite } from "vitest/node";

/**
 * Ends the run with a plain `N passed, N failed` line that CI and people can count. A test that never ran because its
 * file or a hook around it failed (a suite that could not start) counts as failed, never as skipped.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of modules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed" || (state === "skipped" && notStarted(test))) failed++;
        else skipped++;
      }
      if (mod.state() === "failed" && mod.children.size === 0) failed++;
    }
    const tail = skipped ? `, ${skipped} skipped` : "";
    console.log(`\ntests: ${passed} passed, ${failed} failed${tail}`);
  }
}

/** Skipped not by choice but because a suite or file around it failed before it could run. */
function notStarted(test: TestCase): boolean {
  if (test.options.mode === "skip" || test.options.mode === "todo") return false;
  for (let parent: TestSuite | TestModule = test.parent; ; parent = parent.parent) {
    if (parent.state() === "failed") return true;
    if (parent.type === "module") return false;
  }
}
