import type { RunProgress } from "../../domain/deploy-state.js";

/** A workflow run's status and conclusion, as GitHub words them, in Gantry's words. */
export function runProgress(status: string, conclusion: string | null): RunProgress {
  if (status !== "completed") return { phase: status === "in_progress" ? "running" : "queued" };
  if (conclusion === "success") return { phase: "succeeded" };
  const reason = `the workflow run ended with conclusion \`${conclusion ?? "unknown"}\``;
  if (conclusion === "cancelled" || conclusion === "timed_out") return { phase: conclusion, reason };
  return { phase: "failed", reason };
}
