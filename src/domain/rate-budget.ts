/**
 * GitHub's rate limit as a budget: how much of the hour's requests are left (from the `x-ratelimit-*` headers of the
 * last answer) and how long to wait before the next request that costs one, so that the budget lasts until it
 * resets. Pure: times are epoch milliseconds, given by the caller.
 */

/** What GitHub's last answer said of the token's budget. */
export interface RateObservation {
  /** `x-ratelimit-limit`: requests per window. */
  limit: number;
  /** `x-ratelimit-remaining`. */
  remaining: number;
  /** `x-ratelimit-reset`, in epoch ms: when the window starts over. */
  resetAt: number;
  /** When the answer came. */
  observedAt: number;
}

/** Where the replicas keep a token's budget: keyed by a hash of the token, never the token. */
export interface RateBudgetShare {
  loadRateBudget(key: string): Promise<RateObservation | undefined>;
  /** Keeps `obs` unless the stored one is newer (of a later window, or seen later in the same one). */
  saveRateBudget(key: string, obs: RateObservation): Promise<void>;
  /** Takes the next paced slot, `spacingMs` after the last one taken (by any replica) and not before `now`. */
  takeRateSlot(key: string, now: number, spacingMs: number): Promise<number>;
}

export interface BudgetPolicy {
  /** The share of the limit kept back for writes (a deploy must always be able to start), 0..1. */
  reserve: number;
  /** The length of GitHub's window (an hour). */
  windowMs: number;
  /** How far behind the clock reads may fall before they are paced, as a share of the limit (a burst), 0..1. */
  burst: number;
}

export const DEFAULT_BUDGET_POLICY: BudgetPolicy = { reserve: 0.1, windowMs: 3_600_000, burst: 0.05 };

/**
 * How the next request stands: `free` while the budget is ahead of the clock (more than its share of the window is
 * left), `paced` (one request every `spacingMs`) once it falls behind, `exhausted` (wait `waitMs`, until the reset)
 * when nothing is left above the reserve, or nothing at all for a write.
 */
export type BudgetVerdict =
  { kind: "free" } | { kind: "paced"; spacingMs: number } | { kind: "exhausted"; waitMs: number };

/** Reads the `x-ratelimit-*` headers; undefined when they are missing or malformed. */
export function parseRateHeaders(
  headers: Record<string, string | number | undefined>,
  observedAt: number,
): RateObservation | undefined {
  const num = (name: string): number => Number(headers[name] ?? NaN);
  const limit = num("x-ratelimit-limit");
  const remaining = num("x-ratelimit-remaining");
  const reset = num("x-ratelimit-reset");
  if (![limit, remaining, reset].every(Number.isFinite) || limit <= 0) return undefined;
  return { limit, remaining: Math.max(0, remaining), resetAt: reset * 1000, observedAt };
}

/**
 * The verdict for a request at `now`. A write only waits when nothing at all is left; a read keeps off the reserve
 * and, once behind the clock, is spaced so the rest lasts until the reset. After the reset the budget is whole again.
 */
export function budgetVerdict(
  obs: RateObservation | undefined,
  now: number,
  write: boolean,
  policy: BudgetPolicy = DEFAULT_BUDGET_POLICY,
): BudgetVerdict {
  if (!obs || now >= obs.resetAt) return { kind: "free" };
  const leftMs = obs.resetAt - now;
  if (write) return obs.remaining > 0 ? { kind: "free" } : { kind: "exhausted", waitMs: leftMs };
  const reserve = Math.ceil(obs.limit * policy.reserve);
  const usable = obs.remaining - reserve;
  if (usable <= 0) return { kind: "exhausted", waitMs: leftMs };
  // On schedule, give or take a burst: the budget left is at least the share of the window left.
  const due = (obs.limit - reserve) * Math.min(1, leftMs / policy.windowMs);
  if (usable >= due - obs.limit * policy.burst) return { kind: "free" };
  return { kind: "paced", spacingMs: Math.ceil(leftMs / usable) };
}

/** The newer of two observations of one token's budget (a later window, or less left in the same one). */
export function newerObservation(a: RateObservation | undefined, b: RateObservation | undefined) {
  if (!a) return b;
  if (!b) return a;
  if (a.resetAt !== b.resetAt) return a.resetAt > b.resetAt ? a : b;
  return a.remaining <= b.remaining ? a : b;
}
