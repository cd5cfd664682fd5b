import type { FaultSpec } from "./types.js";

interface ActiveFault extends FaultSpec {
  remaining: number;
}

/** Injected failures, consumed first-added-first for each matching call. */
export class FaultList {
  private faults: ActiveFault[] = [];

  add(fault: FaultSpec): void {
    this.faults.push({ ...fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.faults = [];
  }

  get pending(): readonly FaultSpec[] {
    return this.faults;
  }

  /** Returns and consumes the fault for this call, if any. */
  take(method: string): FaultSpec | undefined {
    const fault = this.faults.find((f) =>
      typeof f.method === "string"
        ? f.method === method
        : new RegExp(f.method.source, f.method.flags.replace("g", "")).test(method),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
    return fault;
  }
}

export interface FaultOutcome {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

/** Turns a fault into an HTTP answer; undefined means "carry on normally" (delay-only faults). */
export function faultOutcome(fault: FaultSpec): FaultOutcome | undefined {
  if (fault.retryAfter !== undefined) {
    return {
      status: fault.status ?? 429,
      body: { ok: false, error: fault.error ?? "ratelimited" },
      headers: { "Retry-After": String(fault.retryAfter) },
    };
  }
  if (fault.error !== undefined || fault.status !== undefined) {
    const status = fault.status ?? 200;
    return {
      status,
      body: { ok: false, error: fault.error ?? (status === 200 ? "internal_error" : `http_${status}`) },
      headers: {},
    };
  }
  return undefined;
}
