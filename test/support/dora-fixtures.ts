/** Ledger entries for the DORA unit tests: one service (`api`), production, plain values. */
import type { LedgerCommit, LedgerDeployment, LedgerIncident, LedgerPull } from "../../src/domain/dora/types.js";

export function dep(id: string, finishedAt: string, p: Partial<LedgerDeployment> = {}): LedgerDeployment {
  return {
    id,
    service: "api",
    environment: "production",
    sha: `sha${id}`.padEnd(12, "0"),
    ref: "main",
    kind: "deploy",
    finishedAt,
    rolledBack: false,
    hotfix: false,
    changeTicket: null,
    commits: [],
    ...p,
  };
}

/** A commit; `pull` absent: not looked up, null: it came without a pull request. */
export const commit = (sha: string, committedAt: string, pull?: LedgerPull | null): LedgerCommit => ({
  sha,
  committedAt,
  author: "ada",
  message: sha,
  ...(pull !== undefined ? { pull } : {}),
});

export function inc(
  key: string,
  createdAt: string,
  resolvedAt: string | null,
  refs: Partial<LedgerIncident["refs"]> = {},
  p: Partial<Omit<LedgerIncident, "refs">> = {},
): LedgerIncident {
  return {
    key,
    service: "api",
    createdAt,
    resolvedAt,
    status: resolvedAt ? "Resolved" : "Open",
    ...p,
    refs: { deployIds: [], shas: [], issueKeys: [], ...refs },
  };
}
