import type { Logger } from "../log.js";
import { describeDatabaseUrl, isPostgresUrl } from "./pg-db.js";
import { openPgStore } from "./pg-store.js";
import { openSqliteStore } from "./sqlite-store.js";
import { claimReplicaId, claimSqliteFile, type StoreClaim } from "./claim.js";
import type { Store } from "./types.js";

export interface StoreEnv {
  /** postgres:// or postgresql://: PostgreSQL, shared by any number of replicas. May carry a password: never logged. */
  GANTRY_DATABASE_URL?: string | undefined;
  GANTRY_DATABASE_POOL?: number | undefined;
  /** The SQLite file, used when GANTRY_DATABASE_URL is unset. */
  GANTRY_DB: string;
}

export type StoreEngine = { engine: "postgres"; host: string; database: string } | { engine: "sqlite"; path: string };

/** Which engine and where, without credentials: what may be logged about the store. */
export function storeTarget(env: StoreEnv): StoreEngine {
  if (isPostgresUrl(env.GANTRY_DATABASE_URL))
    return { engine: "postgres", ...describeDatabaseUrl(env.GANTRY_DATABASE_URL) };
  return { engine: "sqlite", path: env.GANTRY_DB };
}

/** "./data/gantry.db" or "PostgreSQL db.internal:5432/gantry": where the state lives, for people to read. */
export function storeLabel(env: StoreEnv): string {
  const t = storeTarget(env);
  return t.engine === "sqlite" ? t.path : `PostgreSQL ${t.host}/${t.database}`;
}

/**
 * PostgreSQL when GANTRY_DATABASE_URL is set, else the SQLite file at GANTRY_DB. PostgreSQL migrates before its first
 * query (a store that cannot reach its database fails there).
 */
export function openStore(env: StoreEnv, log?: Logger): Store {
  const target = storeTarget(env);
  log?.info({ store: target }, "store opened");
  if (isPostgresUrl(env.GANTRY_DATABASE_URL))
    return openPgStore(env.GANTRY_DATABASE_URL, { max: env.GANTRY_DATABASE_POOL ?? 10 });
  return openSqliteStore(env.GANTRY_DB);
}

/**
 * Claims the state for this process before a serving Gantry opens it: the SQLite file for this process alone, or on
 * PostgreSQL the replica id. The CLI reads the store without a claim.
 */
export function claimStore(env: StoreEnv, replica: string, log: Logger): Promise<StoreClaim> {
  if (isPostgresUrl(env.GANTRY_DATABASE_URL)) return claimReplicaId(env.GANTRY_DATABASE_URL, replica, log);
  return Promise.resolve().then(() => claimSqliteFile(env.GANTRY_DB));
}
