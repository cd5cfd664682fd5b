import { afterAll, beforeAll } from "vitest";
import { openPgStore } from "../../src/store/pg-store.js";
import { freshDatabase, type FreshDatabase } from "../support/pg.js";
import { storeContract } from "./store-contract.js";

// One database for this file, and a schema of its own for each test: every test starts from an empty, migrated store.
let db: FreshDatabase;
let schemas = 0;
beforeAll(async () => {
  db = await freshDatabase("gantry_contract");
});
afterAll(async () => {
  await db?.drop();
});

storeContract("PostgreSQL", async () => {
  const schema = `t${++schemas}`;
  const admin = openPgStore(db.url, { max: 1 });
  await admin.pool.query(`CREATE SCHEMA ${schema}`);
  await admin.close();
  const url = new URL(db.url);
  url.searchParams.set("options", `-c search_path=${schema}`);
  const store = openPgStore(url.toString(), { max: 4 });
  await store.ready();
  return {
    store,
    exec: (sql) => store.pool.query(sql),
    close: () => store.close(),
  };
});
