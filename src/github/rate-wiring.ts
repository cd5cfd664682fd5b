/** Wires the GitHub budget (rate-pacer.ts) for one Gantry: a pacer per token, shared with the replicas via the store. */
import { createHash } from "node:crypto";
import type { Logger } from "pino";
import type { BudgetPolicy, RateBudgetShare } from "../domain/rate-budget.js";
import { createOctokit, type GantryOctokit, type OctokitOptions } from "./octokit.js";
import { RatePacer } from "./rate-pacer.js";
import type { GitHubAuth } from "./auth.js";

/** Tuning for tests and the bench; production keeps the defaults. */
export interface PacerTuning {
  policy?: BudgetPolicy;
  /** How often the shared budget is read again (ms). */
  refreshMs?: number;
  maxWaitMs?: number;
}

/** A token's key in the store: a hash, so that the token itself is never written anywhere. */
export function tokenFingerprint(token: string): string {
  return `sha256:${createHash("sha256").update(`gantry-rate-budget:${token}`).digest("hex").slice(0, 32)}`;
}

/**
 * The pacer for a token. A GitHub App has one budget per installation, which one pacer cannot follow: there Octokit's
 * throttling plugin alone waits out a limit.
 */
export function githubPacer(
  auth: GitHubAuth,
  share: RateBudgetShare,
  log: Logger,
  tuning: PacerTuning = {},
): RatePacer | undefined {
  if (auth.kind !== "token") return undefined;
  return new RatePacer({ key: tokenFingerprint(auth.token), share, log: log.child({ vendor: "github" }), ...tuning });
}

/** Gantry's Octokit for `auth`, kept inside the token's budget (shared through `share`). */
export function pacedOctokit(
  opts: Omit<OctokitOptions, "auth" | "token" | "pacer"> & { auth: GitHubAuth; budget?: PacerTuning },
  share: RateBudgetShare,
): GantryOctokit {
  const { budget, ...rest } = opts;
  return createOctokit({ ...rest, pacer: githubPacer(opts.auth, share, opts.log, budget) });
}
