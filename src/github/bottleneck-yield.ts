import { createRequire } from "node:module";
import Bottleneck from "bottleneck";

// The plugins' build; it ships no types of its own, and require() shares the module instance they import.
const BottleneckLight: unknown = createRequire(import.meta.url)("bottleneck/light.js");

/**
 * Bottleneck's in-memory datastore yields to the event loop with `setTimeout(0)` (clamped to 1 ms, often more on a
 * busy host) four times per job, and Octokit's throttling and retry plugins schedule every request through one or
 * two limiters: that added 10–20 ms to each GitHub call (`npm run bench`, backfill). `setImmediate` yields the same
 * way without the clamp. Both builds are patched: the plugins use `bottleneck/light.js`, the write group `bottleneck`.
 */
export function fastBottleneckYield(): void {
  for (const B of [Bottleneck as unknown, BottleneckLight] as (new () => { _store: object })[]) {
    const store = Object.getPrototypeOf(new B()._store) as { yieldLoop(t?: number): Promise<void> };
    store.yieldLoop = (t = 0) => new Promise((resolve) => (t > 0 ? setTimeout(resolve, t) : setImmediate(resolve)));
  }
}
