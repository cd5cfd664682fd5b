import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteStore } from "../../src/store/sqlite-store.js";
import { storeContract } from "./store-contract.js";

// A real file per test, as Gantry runs it (WAL and all).
storeContract("SQLite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "gantry-contract-"));
  const store = openSqliteStore(join(dir, "gantry.db"));
  return {
    store,
    exec: async (sql) => store.db.prepare(sql).run(),
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
