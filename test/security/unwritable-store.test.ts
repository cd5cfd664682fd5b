/**
 * Attack (or accident): a database Gantry can still read but no longer write (a volume remounted read-only, a full
 * disk). A probe that only reads keeps saying "ready", so traffic keeps coming to a Gantry that cannot record a
 * deploy. The test makes Gantry's own SQLite file unwritable for real: its process gets a file-size limit of one
 * byte (prlimit), so every write to the database fails in the kernel, as on a full disk.
 */
import { execFileSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { startTarget, type Target } from "../support/security-target.js";

let t: Target | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const readyz = async () => {
  const res = await fetch(`${t!.url}/readyz`);
  return { status: res.status, body: (await res.json()) as { checks: Record<string, boolean> } };
};
const limitFileSize = (soft: string) =>
  execFileSync("prlimit", [`--pid=${t!.proc.proc.pid}`, `--fsize=${soft}:unlimited`]);

describe("a database that cannot be written", () => {
  it("makes /readyz answer 503 naming the database, and 200 again once writes work", async () => {
    t = await startTarget();
    expect((await readyz()).status).toBe(200);
    limitFileSize("1");
    const refused = await readyz();
    expect(refused).toEqual({
      status: 503,
      body: expect.objectContaining({ checks: expect.objectContaining({ database: false, slack: true }) }),
    });
    limitFileSize("unlimited");
    expect((await readyz()).status).toBe(200);
    expect(await t.alive()).toBe(true);
  });
});
