/**
 * The bake: readings every interval until the deploy is verified, fails, or cannot be decided. The state is plain
 * numbers, stored between readings, so a restart or another replica carries on from it. Rules:
 * - A check breaches `failAfter` readings in a row: failed. A holding reading resets its count; a held one
 *   (no data under `hold`) leaves it as it was, so breaches either side of a gap in the data still run together.
 * - No data counts as a breach under `fail` (so it too needs `failAfter` in a row), as holding under `pass`, and
 *   under `hold` as no evidence: the bake clock stops while any check is held.
 * - The clock: each reading adds the time since the previous one, at most one interval, so time nobody was watching
 *   (a restart) is not counted as healthy. Breaching readings short of `failAfter` count: that is what it tolerates.
 * - Verified once the counted time reaches the bake and, at that reading, every check holds (none breaching or held).
 * - Never longer than twice the bake: past that without a verdict (held data, or a check that keeps breaching short
 *   of `failAfter`), the outcome is inconclusive: not verified, and not a failure to roll back for.
 */
import type { CheckVerdict, Measured, MissingPart, VerifyPlan } from "./types.js";

export interface BakeState {
  /** When verification started (the CI run's success), ms since the epoch. */
  startedAt: number;
  /** The last reading's time (startedAt before the first). */
  lastAt: number;
  /** Time counted toward the bake. */
  observedMs: number;
  /** Time the clock stood still because a check had no data under `hold`. */
  heldMs: number;
  readings: number;
  /** Consecutive breaching readings, per check name. */
  streaks: Record<string, number>;
}

/** Why a check counts as breaching, with what Slack words it with ("error rate 4.1% > 2% for 2 checks in a row"). */
export type Breach =
  | ({ breached: true; cause: "threshold"; consecutive: number } & Measured)
  | { breached: true; cause: "no_data"; check: string; consecutive: number; missing: MissingPart; error?: string };

export type BakeOutcome =
  | { kind: "baking"; remainingMs: number; held: string[]; breaching: Breach[] }
  | { kind: "verified"; observedMs: number; heldMs: number; readings: number }
  | { kind: "failed"; breach: Breach; observedMs: number; readings: number }
  | { kind: "inconclusive"; observedMs: number; heldMs: number; held: string[]; breaching: string[] };

export function startBake(startedAt: number): BakeState {
  return { startedAt, lastAt: startedAt, observedMs: 0, heldMs: 0, readings: 0, streaks: {} };
}

/** The latest a verification runs, ms since the epoch. */
export function bakeDeadline(plan: Pick<VerifyPlan, "bakeMs">, state: Pick<BakeState, "startedAt">): number {
  return state.startedAt + 2 * plan.bakeMs;
}

type Reading =
  { check: string; kind: "holds" | "held" } | { check: string; kind: "breach"; breach: (streak: number) => Breach };

function classify(plan: VerifyPlan, check: string, v: CheckVerdict | undefined): Reading {
  const verdict: CheckVerdict = v ?? { status: "no_data", check, missing: "current" };
  if (verdict.status === "ok") return { check, kind: "holds" };
  if (verdict.status === "breach") {
    const { status: _, ...measured } = verdict;
    return {
      check,
      kind: "breach",
      breach: (consecutive) => ({ breached: true, cause: "threshold", consecutive, ...measured }),
    };
  }
  if (plan.noData === "pass") return { check, kind: "holds" };
  if (plan.noData === "hold") return { check, kind: "held" };
  const { missing, error } = verdict;
  return {
    check,
    kind: "breach",
    breach: (consecutive) => ({
      breached: true,
      cause: "no_data",
      check,
      consecutive,
      missing,
      ...(error === undefined ? {} : { error }),
    }),
  };
}

/** Takes one reading: a verdict per check of the plan (a missing one is no data), at `at` ms since the epoch. */
export function advanceBake(
  plan: VerifyPlan,
  state: BakeState,
  at: number,
  verdicts: readonly CheckVerdict[],
): { state: BakeState; outcome: BakeOutcome } {
  const credit = Math.min(Math.max(0, at - state.lastAt), plan.intervalMs);
  const readings = plan.checks.map((c) =>
    classify(
      plan,
      c.name,
      verdicts.find((v) => v.check === c.name),
    ),
  );
  const streaks: Record<string, number> = {};
  const breaching: Breach[] = [];
  for (const r of readings) {
    const before = state.streaks[r.check] ?? 0;
    streaks[r.check] = r.kind === "holds" ? 0 : r.kind === "held" ? before : before + 1;
    if (r.kind === "breach") breaching.push(r.breach(streaks[r.check] ?? 0));
  }
  const held = readings.filter((r) => r.kind === "held").map((r) => r.check);
  const next: BakeState = {
    startedAt: state.startedAt,
    lastAt: Math.max(at, state.lastAt),
    observedMs: state.observedMs + (held.length > 0 ? 0 : credit),
    heldMs: state.heldMs + (held.length > 0 ? credit : 0),
    readings: state.readings + 1,
    streaks,
  };
  const failed = breaching.find((b) => b.consecutive >= plan.failAfter);
  if (failed)
    return {
      state: next,
      outcome: { kind: "failed", breach: failed, observedMs: next.observedMs, readings: next.readings },
    };
  if (next.observedMs >= plan.bakeMs && held.length === 0 && breaching.length === 0) {
    return {
      state: next,
      outcome: { kind: "verified", observedMs: next.observedMs, heldMs: next.heldMs, readings: next.readings },
    };
  }
  if (at >= bakeDeadline(plan, state)) {
    const outcome: BakeOutcome = {
      kind: "inconclusive",
      observedMs: next.observedMs,
      heldMs: next.heldMs,
      held,
      breaching: breaching.map((b) => b.check),
    };
    return { state: next, outcome };
  }
  return {
    state: next,
    outcome: { kind: "baking", remainingMs: Math.max(0, plan.bakeMs - next.observedMs), held, breaching },
  };
}
