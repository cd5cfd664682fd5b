/**
 * Only one running Gantry per state: one process per SQLite file, one replica per GANTRY_REPLICA_ID on PostgreSQL.
 * Both claims are locks the operating system or the database server drops when their holder dies, however it dies,
 * so a restart after a crash is never blocked by what the dead process left behind.
 */
import { mkdirSync } from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type pg from "pg";
import { GantryError } from "../errors.js";
import { loadPg } from "./load-pg.js";
import type { Logger } from "../log.js";

export interface StoreClaim {
  release(): Promise<void>;
}

/**
 * SQLite: an exclusive lock on `<file>.lock`, a second SQLite database beside the state that this process writes
 * once and never lets go of (locking_mode EXCLUSIVE). The state's own file stays open to readers, so the CLI can
 * read the audit log while Gantry runs. The lock is an fcntl lock, released by the kernel when the process ends.
 */
export function claimSqliteFile(path: string): StoreClaim {
  if (path === ":memory:") return { release: async () => {} };
  mkdirSync(dirname(path), { recursive: true });
  const lock = new Database(`${path}.lock`, { timeout: 0 });
  try {
    lock.pragma("journal_mode = MEMORY");
    lock.pragma("locking_mode = EXCLUSIVE");
    lock.exec(
      "CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL, host TEXT NOT NULL, since TEXT NOT NULL); DELETE FROM holder;",
    );
    lock
      .prepare("INSERT INTO holder (pid, host, since) VALUES (?, ?, ?)")
      .run(process.pid, hostname(), new Date().toISOString());
  } catch (err) {
    lock.close();
    if ((err as { code?: string }).code !== "SQLITE_BUSY") throw err;
    throw new GantryError(
      "store_in_use",
      `GANTRY_DB ${path} is in use by another running Gantry (it holds ${path}.lock). Stop that process first, or give this one its own GANTRY_DB; to run several replicas, share a PostgreSQL database instead (GANTRY_DATABASE_URL).`,
    );
  }
  return { release: async () => void (lock.open && lock.close()) };
}

/** Advisory locks are per database: Gantry's key space, then the replica id's hash. */
const LOCK_SPACE = 0x67616e74; // "gant"
const RETRY_MS = 10_000;

/**
 * PostgreSQL: a session advisory lock on the replica id, held on a connection of its own for as long as the process
 * runs. The server drops it when that connection ends, a killed process's included. When the connection is lost
 * while running (a database restart), the lock is taken again as soon as the database is back.
 */
export async function claimReplicaId(url: string, replica: string, log: Logger): Promise<StoreClaim> {
  let client: pg.Client | undefined;
  let released = false;
  let retry: NodeJS.Timeout | undefined;

  const take = async (): Promise<boolean> => {
    const c = new (loadPg().Client)({ connectionString: url, connectionTimeoutMillis: 5_000 });
    let lost = false;
    const onLost = () => {
      if (lost || released) return;
      lost = true;
      client = undefined;
      log.warn({ replica }, "lost the connection holding the replica id; taking it again");
      retry = setTimeout(again, RETRY_MS);
      retry.unref();
    };
    // Until the lock is held, a failure is the caller's to report; after, a lost connection means taking it again.
    c.on("error", () => undefined);
    await c.connect();
    const { rows } = await c.query<{ held: boolean }>("SELECT pg_try_advisory_lock($1, hashtext($2)) AS held", [
      LOCK_SPACE,
      replica,
    ]);
    if (!rows[0]?.held) {
      await c.end().catch(() => undefined);
      return false;
    }
    c.on("error", onLost).on("end", onLost);
    client = c;
    return true;
  };
  const again = () => {
    if (released) return;
    take().then(
      (held) =>
        void (held
          ? log.info({ replica }, "holding the replica id again")
          : log.error({ replica }, "another running replica now uses this GANTRY_REPLICA_ID")),
      (err: unknown) => {
        log.warn({ replica, err }, "could not take the replica id again");
        retry = setTimeout(again, RETRY_MS);
        retry.unref();
      },
    );
  };

  if (!(await take())) {
    throw new GantryError(
      "store_in_use",
      `GANTRY_REPLICA_ID ${replica} is taken by a running replica on this PostgreSQL database: give each replica its own GANTRY_REPLICA_ID (such as the pod name), or stop the other one. Without GANTRY_REPLICA_ID the host name is used, so two processes on one host need one each.`,
    );
  }
  return {
    async release() {
      released = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
