/**
 * The scheduler lease between replicas, on a real (in-memory) SQLite store with fake timers: one leader at a time,
 * a takeover within ttl + renew when the leader dies or is cut off, at once when it stops, and the start-up work
 * (the digest catch-up) owed to every new leader.
 */
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Leader } from "../../src/jobs/leader.js";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite-store.js";
import type { LeaseStore } from "../../src/store/types.js";

const TTL = 3_000;
const RENEW = 1_000;
const clock = { now: () => new Date() };
const log = pino({ level: "silent" });

let store: SqliteStore;
const leaders: Leader[] = [];

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse("2026-12-01T09:00:00Z") });
  store = openSqliteStore(":memory:");
});
afterEach(async () => {
  for (const l of leaders.splice(0)) await l.stop();
  await store.close();
  vi.useRealTimers();
});

/** A store that a replica can lose: once cut, every call fails, as when its network or process is gone. */
function reachable(inner: LeaseStore): LeaseStore & { cut(): void } {
  let cut = false;
  const check = () => {
    if (cut) throw new Error("connection lost");
  };
  return {
    cut: () => (cut = true),
    acquireLease: async (...args) => (check(), inner.acquireLease(...args)),
    releaseLease: async (...args) => (check(), inner.releaseLease(...args)),
  };
}

function leader(holder: string, leaseStore: LeaseStore = store, onGain?: () => Promise<unknown>): Leader {
  const l = new Leader({
    store: leaseStore,
    name: "scheduler",
    holder,
    ttlMs: TTL,
    renewMs: RENEW,
    clock,
    log,
    ...(onGain ? { onGain } : {}),
  });
  leaders.push(l);
  return l;
}

/** Steps time in small slices, checking that two replicas never lead at once; returns when `done` first holds. */
async function stepUntil(all: Leader[], done: () => boolean, limitMs: number): Promise<number> {
  const start = Date.now();
  while (!done()) {
    if (Date.now() - start > limitMs) throw new Error(`not done within ${limitMs} ms`);
    await vi.advanceTimersByTimeAsync(100);
    expect(all.filter((l) => l.isLeader()).length).toBeLessThanOrEqual(1);
  }
  return Date.now() - start;
}

describe("Leader", () => {
  it("lets exactly one of three replicas lead, and keeps it leading while it renews", async () => {
    const [a, b, c] = [leader("a"), leader("b"), leader("c")];
    await Promise.all([a.start(), b.start(), c.start()]);
    expect([a, b, c].filter((l) => l.isLeader())).toEqual([a]);
    for (let i = 0; i < 30; i++) {
      await vi.advanceTimersByTimeAsync(500);
      expect([a, b, c].filter((l) => l.isLeader())).toEqual([a]);
    }
  });

  it("hands over within ttl + renew when the leader loses the database, never with two leaders at once", async () => {
    const cutOff = reachable(store);
    const a = leader("a", cutOff);
    const b = leader("b");
    await a.start();
    await b.start();
    expect(a.isLeader()).toBe(true);
    cutOff.cut();
    const took = await stepUntil([a, b], () => b.isLeader(), TTL + RENEW + 200);
    expect(a.isLeader()).toBe(false);
    expect(took).toBeGreaterThanOrEqual(TTL - RENEW);
    expect(took).toBeLessThanOrEqual(TTL + RENEW + 100);
  });

  it("hands over at the next try when the leader stops, since stopping gives the lease back", async () => {
    const a = leader("a");
    const b = leader("b");
    await a.start();
    await b.start();
    await a.stop();
    const took = await stepUntil([a, b], () => b.isLeader(), RENEW + 100);
    expect(took).toBeLessThanOrEqual(RENEW + 100);
  });

  it("runs the start-up work on every gain of the lead, and start() waits for it", async () => {
    const gained: string[] = [];
    const work = (who: string) => async () => void gained.push(who);
    const a = leader("a", store, work("a"));
    const b = leader("b", store, work("b"));
    await a.start();
    expect(gained).toEqual(["a"]);
    await b.start();
    expect(gained).toEqual(["a"]);
    await a.stop();
    await stepUntil([a, b], () => b.isLeader(), RENEW + 100);
    expect(gained).toEqual(["a", "b"]);
  });

  it("is the same replica again after a restart with the same id: it leads at once", async () => {
    const a = leader("a");
    await a.start();
    // A SIGKILL leaves the lease behind; the restarted process (same host, same id) renews it rather than waiting.
    const again = leader("a");
    await again.start();
    expect(again.isLeader()).toBe(true);
  });
});
