import type Database from "better-sqlite3";
import { z } from "zod";
import type { SharedMembers, UsergroupShare } from "../domain/usergroup-share.js";
import { sql, type Queryable } from "./pg-db.js";

/** The same statements on both engines. */
const LOAD_SQL = "SELECT members, fetched_at FROM usergroup_members WHERE handle = ?";
const SAVE_SQL = `INSERT INTO usergroup_members (handle, members, fetched_at) VALUES (?, ?, ?)
  ON CONFLICT (handle) DO UPDATE SET members = excluded.members, fetched_at = excluded.fetched_at
  WHERE usergroup_members.fetched_at < excluded.fetched_at`;

interface Row {
  members: string;
  fetched_at: number;
}

const Members = z.array(z.string().min(1));

/** A row that does not parse is as good as none: the replica asks Slack. */
function toShared(row: Row | undefined): SharedMembers | undefined {
  if (!row) return undefined;
  try {
    const members = Members.safeParse(JSON.parse(row.members));
    return members.success ? { members: members.data, fetchedAt: Number(row.fetched_at) } : undefined;
  } catch {
    return undefined;
  }
}

const params = (handle: string, s: SharedMembers) => [handle, JSON.stringify(s.members), Math.round(s.fetchedAt)];

export function sqliteUsergroups(db: Database.Database): UsergroupShare {
  return {
    loadMembers: async (handle) => toShared(db.prepare<[string], Row>(LOAD_SQL).get(handle)),
    saveMembers: async (handle, shared) => void db.prepare(SAVE_SQL).run(...params(handle, shared)),
  };
}

export function pgUsergroups(db: () => Promise<Queryable>): UsergroupShare {
  return {
    loadMembers: async (handle) => toShared((await (await db()).query<Row>(sql(LOAD_SQL), [handle])).rows[0]),
    saveMembers: async (handle, shared) => void (await (await db()).query(sql(SAVE_SQL), params(handle, shared))),
  };
}
