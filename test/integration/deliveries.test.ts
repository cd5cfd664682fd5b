/**
 * Delivery keys (DeliveryStore) on both engines, with one store per replica on the same database: the first offer of
 * a key wins on exactly one replica, however many offer it at once, and old keys are forgotten.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openPgStore } from "../../src/store/pg-store.js";
import { openSqliteStore } from "../../src/store/sqlite-store.js";
import type { Store } from "../../src/store/types.js";
import { freshDatabase } from "../support/pg.js";

const cleanup: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** Three stores on one database, as three replicas would open it. */
type Replicas = () => Promise<Store[]>;

const engines: [string, Replicas][] = [
  [
    "SQLite",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "gantry-deliveries-"));
      cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
      const stores = [1, 2, 3].map(() => openSqliteStore(join(dir, "gantry.db")));
      cleanup.push(() => Promise.all(stores.map((s) => s.close())));
      return stores;
    },
  ],
  [
    "PostgreSQL",
    async () => {
      const db = await freshDatabase("gantry_deliveries");
      cleanup.push(() => db.drop());
      const stores = [1, 2, 3].map(() => openPgStore(db.url, { max: 4 }));
      cleanup.push(() => Promise.all(stores.map((s) => s.close())));
      await Promise.all(stores.map((s) => s.ready()));
      return stores;
    },
  ],
];

describe.each(engines)("delivery keys on %s", (_engine, replicas) => {
  it("let exactly one replica take a key offered by all of them at once", async () => {
    const stores = await replicas();
    for (let i = 0; i < 20; i++) {
      const key = `command:trigger-${i}`;
      const won = await Promise.all(
        stores.flatMap((s) => [
          s.firstDelivery(key, "2026-12-01T09:00:00.000Z"),
          s.firstDelivery(key, "2026-12-01T09:00:00.000Z"),
        ]),
      );
      expect(won.filter(Boolean)).toHaveLength(1);
    }
    expect(await stores[2]!.firstDelivery("command:trigger-0", "2026-12-01T10:00:00.000Z")).toBe(false);
    expect(
      await stores[2]!.firstDelivery("click:U0BOB:approve_deploy:1764579600.000100", "2026-12-01T10:00:00.000Z"),
    ).toBe(true);
  });

  it("forget keys seen before a time, so that the table stays small", async () => {
    const [a, b] = await replicas();
    await a!.firstDelivery("old", "2026-11-29T09:00:00.000Z");
    await a!.firstDelivery("new", "2026-12-01T09:00:00.000Z");
    expect(await b!.forgetDeliveries("2026-11-30T09:00:00.000Z")).toBe(1);
    expect(await b!.forgetDeliveries("2026-11-30T09:00:00.000Z")).toBe(0);
    expect(await b!.firstDelivery("old", "2026-12-01T09:30:00.000Z")).toBe(true);
    expect(await b!.firstDelivery("new", "2026-12-01T09:30:00.000Z")).toBe(false);
  });
});
