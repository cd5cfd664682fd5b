import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitHubEmulator } from "../../sandbox/github/emulator.js";
import { createOctokit } from "../../src/github/octokit.js";
import { RatePacer } from "../../src/github/rate-pacer.js";
import { tokenFingerprint } from "../../src/github/rate-wiring.js";
import { createLogger } from "../../src/log.js";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite-store.js";

// Two Gantry replicas' GitHub clients on one SQLite file share one budget: together they keep inside it.

const TOKEN = "ghp_sharedbudget0123456789";
const REPO = { owner: "acme", repo: "shared-api" };
let gh: GitHubEmulator;
let dir: string;

beforeAll(async () => {
  gh = new GitHubEmulator({ token: TOKEN });
  await gh.start();
  gh.addRepo({ fullName: "acme/shared-api", workflows: ["deploy.yml"] });
  dir = mkdtempSync(join(tmpdir(), "gantry-budget-"));
});

afterAll(async () => {
  await gh.stop();
  rmSync(dir, { recursive: true, force: true });
});

function replica(store: SqliteStore) {
  const log = createLogger("warn", new Writable({ write: (_c, _e, done) => done() }));
  const pacer = new RatePacer({
    key: tokenFingerprint(TOKEN),
    share: store.rateBudgets(),
    log,
    policy: { reserve: 0.2, windowMs: 3000, burst: 0.05 },
    refreshMs: 0,
  });
  return { pacer, octokit: createOctokit({ baseUrl: gh.url, token: TOKEN, log, pacer, retryBaseMs: 5 }) };
}

describe("one GitHub budget across replicas", () => {
  it("two replicas on one SQLite file pace by one shared budget, never reaching GitHub's 403", async () => {
    const file = join(dir, "gantry.db");
    const stores = [openSqliteStore(file), openSqliteStore(file)];
    try {
      const [a, b] = stores.map(replica);
      gh.setRateLimit({ limit: 40, windowMs: 3000 });
      const from = gh.calls.length;
      await a!.octokit.rest.repos.get(REPO);
      await a!.pacer.flushed();
      // B has sent nothing, yet knows what A was told.
      await b!.octokit.rest.repos.get(REPO);
      const read = (r: typeof a) => r!.octokit.rest.repos.get(REPO).then((res) => res.status);
      const statuses = await Promise.all([
        ...Array.from({ length: 25 }, () => read(a)),
        ...Array.from({ length: 25 }, () => read(b)),
      ]);
      expect(statuses.every((s) => s === 200)).toBe(true);
      const calls = gh.calls.slice(from);
      expect(calls).toHaveLength(52);
      expect(calls.filter((c) => c.status !== 200)).toEqual([]);
      expect(a!.pacer.waits.count + b!.pacer.waits.count).toBeGreaterThan(0);
      // The budget is kept under the token's hash; the token itself is nowhere in the database.
      await Promise.all([a!.pacer.flushed(), b!.pacer.flushed()]);
      expect(await stores[0]!.rateBudgets().loadRateBudget(tokenFingerprint(TOKEN))).toMatchObject({ limit: 40 });
      for (const s of stores) s.db.pragma("wal_checkpoint(TRUNCATE)");
      expect(readFileSync(file).includes(TOKEN)).toBe(false);
    } finally {
      gh.setRateLimit();
      for (const s of stores) await s.close();
    }
  });
});
