/** The SQL a piece of work runs, caught at better-sqlite3's Statement, and SQLite's plan for each (EXPLAIN QUERY PLAN). */
import Database from "better-sqlite3";

interface Caught {
  sql: string;
  args: unknown[];
}

type Run = (...args: unknown[]) => unknown;

/** Runs `work` while recording every statement read with all/get/iterate; returns the distinct ones, first args kept. */
export async function catchQueries(work: () => Promise<unknown>): Promise<Caught[]> {
  const probe = new Database(":memory:");
  const proto = Object.getPrototypeOf(probe.prepare("SELECT 1")) as Record<"all" | "get" | "iterate", Run>;
  probe.close();
  const originals = { all: proto.all, get: proto.get, iterate: proto.iterate };
  const seen = new Map<string, Caught>();
  for (const name of ["all", "get", "iterate"] as const) {
    const original = originals[name];
    proto[name] = function (this: { source: string }, ...args: unknown[]) {
      if (!seen.has(this.source)) seen.set(this.source, { sql: this.source, args });
      return original.apply(this, args);
    };
  }
  try {
    await work();
  } finally {
    Object.assign(proto, originals);
  }
  return [...seen.values()];
}

/** Each statement with its plan, one line per step, indented like the sqlite3 shell shows it. */
export function explain(dbPath: string, queries: readonly Caught[]): string[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return queries.map((q) => {
      type Step = { id: number; parent: number; detail: string };
      const steps = db.prepare<unknown[], Step>(`EXPLAIN QUERY PLAN ${q.sql}`).all(...q.args);
      const depth = new Map<number, number>([[0, 0]]);
      const lines = steps.map((s) => {
        const d = (depth.get(s.parent) ?? 0) + 1;
        depth.set(s.id, d);
        return `${"  ".repeat(d)}${s.detail}`;
      });
      return `${q.sql.replace(/\s+/g, " ").trim()}\n${lines.join("\n")}`;
    });
  } finally {
    db.close();
  }
}
