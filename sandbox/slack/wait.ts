import type { EventEmitter } from "node:events";

export interface WaitSpec<T, E> {
  /** Already-recorded state, checked first so a wait never misses something that happened earlier. */
  existing: () => T | undefined;
  emitter: EventEmitter;
  event: string;
  /** Maps an event to the awaited value, or undefined to keep waiting. */
  match: (payload: E) => T | undefined;
  timeoutMs: number;
  /** Builds the timeout message; called lazily so it can describe what was seen. */
  describe: () => string;
}

export function waitFor<T, E>(spec: WaitSpec<T, E>): Promise<T> {
  const found = spec.existing();
  if (found !== undefined) return Promise.resolve(found);
  return new Promise<T>((resolve, reject) => {
    const listener = (payload: E) => {
      let value: T | undefined;
      try {
        value = spec.match(payload);
      } catch (err) {
        cleanup();
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      if (value === undefined) return;
      cleanup();
      resolve(value);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out after ${spec.timeoutMs}ms ${spec.describe()}`));
    }, spec.timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      spec.emitter.off(spec.event, listener);
    };
    spec.emitter.on(spec.event, listener);
  });
}
