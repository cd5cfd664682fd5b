/**
 * Attack (or a mistake in a deployment manifest): a second Gantry on the same state. Two processes on one SQLite
 * file both became the leader and both ran the jobs; two replicas sharing one GANTRY_REPLICA_ID on PostgreSQL hold
 * each other's leases. The second one must refuse to start and say what to do, while a restart after a crash
 * (SIGKILL: nothing cleaned up) must not be blocked by what the dead one left.
 */
import { afterEach, describe, expect, it } from "vitest";
import { GantryProcess } from "../support/gantry-process.js";
import { freshDatabase, type FreshDatabase } from "../support/pg.js";
import { startTarget, type Target } from "../support/security-target.js";

let t: Target | undefined;
let db: FreshDatabase | undefined;
const spawned: GantryProcess[] = [];
afterEach(async () => {
  await Promise.all(spawned.splice(0).map((p) => p.kill("SIGKILL")));
  await t?.stop();
  await db?.drop();
  t = undefined;
  db = undefined;
});

function another(env: Record<string, string>): GantryProcess {
  const p = GantryProcess.spawn("second", env);
  spawned.push(p);
  return p;
}

/** Why the process exited before it was ready (the test fails if it started instead). */
async function refusal(p: GantryProcess): Promise<string> {
  return p.url.then(
    (url) => `started at ${url}`,
    (err: Error) => err.message,
  );
}

describe("a second Gantry on one SQLite file", () => {
  it("refuses to start, naming the fix, and the first keeps serving", async () => {
    t = await startTarget();
    const why = await refusal(another(t.env));
    expect(why).toContain("is in use by another running Gantry");
    expect(why).toContain("GANTRY_DB");
    expect(why).toContain("GANTRY_DATABASE_URL");
    expect(await t.alive()).toBe(true);
  });

  it("starts once the first was killed with SIGKILL", async () => {
    t = await startTarget();
    await t.proc.kill("SIGKILL");
    const restarted = another(t.env);
    await expect(restarted.url).resolves.toMatch(/^http:/);
  });
});

describe("a second replica with the same GANTRY_REPLICA_ID on PostgreSQL", () => {
  it("refuses to start, naming the fix, while one with its own id starts", async () => {
    db = await freshDatabase();
    t = await startTarget({ env: { GANTRY_DATABASE_URL: db.url, GANTRY_REPLICA_ID: "gantry-0" } });
    const why = await refusal(another(t.env));
    expect(why).toContain("GANTRY_REPLICA_ID gantry-0 is taken by a running replica");
    expect(why).toContain("give each replica its own GANTRY_REPLICA_ID");
    await expect(another({ ...t.env, GANTRY_REPLICA_ID: "gantry-1" }).url).resolves.toMatch(/^http:/);
    expect(await t.alive()).toBe(true);
  });

  it("starts again under the same id once the first was killed with SIGKILL", async () => {
    db = await freshDatabase();
    t = await startTarget({ env: { GANTRY_DATABASE_URL: db.url, GANTRY_REPLICA_ID: "gantry-0" } });
    await t.proc.kill("SIGKILL");
    await expect(another(t.env).url).resolves.toMatch(/^http:/);
  });
});
