import { defineConfig } from "vitest/config";

/**
 * Live contract suites against real outside servers (a Prometheus started from Debian's package), run by
 * `npm run test:live` after `npm test`, never inside it: `npm test` stays self-sufficient with the emulators.
 */
export default defineConfig({
  test: {
    include: ["test/live/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ["default", "./test/support/summary-reporter.ts"],
    pool: "forks",
  },
});
