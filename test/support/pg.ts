/**
 * Fresh PostgreSQL databases for tests. The run's server (GANTRY_TEST_DATABASE_URL, or the one test/support/pg-server.ts
 * started) is used only as the admin connection: every caller gets its own new database, so test files running in
 * parallel forks never meet.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";

export const ADMIN_DATABASE_URL = inject("pgAdminUrl");
/** host:port of the run's server, as Gantry logs it. */
export const ADMIN_HOST = new URL(ADMIN_DATABASE_URL).host;

export interface FreshDatabase {
  /** postgres:// URL of the new, empty database. */
  url: string;
  name: string;
  /** Drops the database, closing whatever connections are still open to it. */
  drop(): Promise<void>;
}

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Creates `gantry_t_<random>` (or `<prefix>_<random>`) next to the admin database. */
export async function freshDatabase(prefix = "gantry_t"): Promise<FreshDatabase> {
  if (!/^[a-z_][a-z0-9_]*$/.test(prefix)) throw new Error(`bad database prefix ${prefix}`);
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => admin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}
