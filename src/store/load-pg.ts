import { createRequire } from "node:module";
import type pg from "pg";

let loaded: typeof pg | undefined;

/** node-postgres, loaded when a PostgreSQL store is opened: a SQLite Gantry never pays its ~10 MB. */
export function loadPg(): typeof pg {
  loaded ??= createRequire(import.meta.url)("pg") as typeof pg;
  return loaded;
}
