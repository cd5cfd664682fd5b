import type pg from "pg";
import { loadPg } from "./load-pg.js";

const INT8 = 20;

/**
 * A pool whose BIGINT columns (ids, GitHub run ids, counts) come back as numbers like SQLite's, so both engines share
 * one set of row mappers. Gantry's ids stay far below 2^53.
 */
export function createPool(url: string, max: number): pg.Pool {
  const pool = new (loadPg().Pool)({
    connectionString: url,
    max,
    // An unreachable server fails queries (and /readyz) within seconds instead of queueing them forever.
    connectionTimeoutMillis: 5_000,
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === INT8
          ? (value: string) => Number(value)
          : loadPg().types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its connection (a database restart) must not crash the process; the next query reconnects.
  pool.on("error", () => undefined);
  return pool;
}

/** Where a URL points, without its credentials: the only part of GANTRY_DATABASE_URL that may be logged. */
export function describeDatabaseUrl(url: string): { host: string; database: string } {
  try {
    const u = new URL(url);
    return {
      host: u.port ? `${u.hostname}:${u.port}` : u.hostname,
      database: decodeURIComponent(u.pathname.replace(/^\//, "")),
    };
  } catch {
    return { host: "unparseable", database: "" };
  }
}

export const isPostgresUrl = (url: string | undefined): url is string =>
  url !== undefined && /^postgres(ql)?:\/\//.test(url);

/** Turns the `?` placeholders the SQLite queries use into PostgreSQL's `$1, $2, …`. Our SQL has no literal `?`. */
export function sql(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}

export type Queryable = Pick<pg.PoolClient, "query">;

/** Runs `work` in one transaction on one connection; rolls back when it throws. */
export async function tx<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    client.release();
    return result;
  } catch (err) {
    // A connection that cannot even roll back is broken: destroy it rather than return it to the pool.
    const broken = await client.query("ROLLBACK").then(
      () => false,
      () => true,
    );
    client.release(broken);
    throw err;
  }
}

/** Creates the database a URL names when the server does not have it yet (the demo's one flag). True when created. */
export async function ensureDatabase(url: string): Promise<boolean> {
  const probe = new (loadPg().Client)({ connectionString: url });
  try {
    await probe.connect();
    return false;
  } catch (err) {
    if ((err as { code?: string }).code !== "3D000") throw err;
  } finally {
    await probe.end().catch(() => undefined);
  }
  const { database } = describeDatabaseUrl(url);
  const server = new URL(url);
  server.pathname = "/postgres";
  const admin = new (loadPg().Client)({ connectionString: server.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
    return true;
  } finally {
    await admin.end();
  }
}
