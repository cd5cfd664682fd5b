import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AckFirst } from "../../src/ack-first.js";

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse("2026-12-01T09:00:00Z") });
});
afterEach(() => {
  vi.useRealTimers();
});

const gate = () => new AckFirst({ quietMs: 50, maxWaitMs: 1_000, now: () => Date.now() });

/** Holds work that records when it started, in order. */
function recorder(g: AckFirst) {
  const started: string[] = [];
  const hold = (name: string) => g.run(async () => void started.push(name));
  return { started, hold };
}

describe("AckFirst", () => {
  it("starts work at once when no Slack request is being answered", async () => {
    const g = gate();
    const { started, hold } = recorder(g);
    const done = hold("a");
    await vi.advanceTimersByTimeAsync(0);
    await done;
    expect(started).toEqual(["a"]);
  });

  it("holds work while a request is answered, and starts it, oldest first, once Slack has been quiet", async () => {
    const g = gate();
    const { started, hold } = recorder(g);
    const end = g.begin();
    void hold("a");
    void hold("b");
    await vi.advanceTimersByTimeAsync(500);
    expect(started).toEqual([]);
    end();
    await vi.advanceTimersByTimeAsync(49);
    expect(started).toEqual([]);
    await vi.advanceTimersByTimeAsync(10);
    expect(started).toEqual(["a", "b"]);
    expect(g.waiting).toBe(0);
  });

  it("never holds work longer than maxWaitMs, however busy Slack keeps it", async () => {
    const g = gate();
    const { started, hold } = recorder(g);
    void hold("a");
    for (let t = 0; t < 30; t++) {
      g.begin()();
      await vi.advanceTimersByTimeAsync(40);
    }
    expect(started).toEqual(["a"]);
  });

  it("holds work that arrives while busy until its own wait is up", async () => {
    const g = gate();
    const { started, hold } = recorder(g);
    const end = g.begin();
    void hold("a");
    await vi.advanceTimersByTimeAsync(600);
    void hold("b");
    await vi.advanceTimersByTimeAsync(410);
    expect(started).toEqual(["a"]);
    await vi.advanceTimersByTimeAsync(600);
    expect(started).toEqual(["a", "b"]);
    end();
  });

  it("starts everything held on release (shutdown)", async () => {
    const g = gate();
    const { started, hold } = recorder(g);
    g.begin();
    const all = Promise.all([hold("a"), hold("b")]);
    g.release();
    await all;
    expect(started).toEqual(["a", "b"]);
  });

  it("counts a request once however often its end is reported", async () => {
    const g = gate();
    const { started, hold } = recorder(g);
    const first = g.begin();
    const second = g.begin();
    first();
    first();
    void hold("a");
    await vi.advanceTimersByTimeAsync(100);
    expect(started).toEqual([]);
    second();
    await vi.advanceTimersByTimeAsync(60);
    expect(started).toEqual(["a"]);
  });
});
