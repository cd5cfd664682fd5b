import type { RunProgress } from "../../domain/deploy-state.js";

/** A GitHub deployment's latest status (null: none yet), in Gantry's words. */
export function deploymentProgress(state: string | null): RunProgress {
  switch (state) {
    case null:
    case "pending":
    case "queued":
      return { phase: "queued" };
    case "in_progress":
      return { phase: "running" };
    case "success":
      return { phase: "succeeded" };
    case "inactive":
      return { phase: "inactive" };
    default:
      return { phase: "failed", reason: `the deployment status is \`${state}\`` };
  }
}
