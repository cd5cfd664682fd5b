import { describe, expect, it } from "vitest";
import {
  advance,
  canTransition,
  DEPLOY_STATES,
  FINAL_STATES,
  isFinal,
  stateFromProgress,
  statesBefore,
} from "../../src/domain/deploy-state.js";
import { deploymentProgress } from "../../src/runners/github-deployment/progress.js";
import { runProgress } from "../../src/runners/github-workflow/progress.js";

describe("deploy state machine", () => {
  it("never leaves a final state, except that a success may later be rolled back", () => {
    for (const from of FINAL_STATES) {
      for (const to of DEPLOY_STATES)
        expect(canTransition(from, to)).toBe(from === "succeeded" && to === "rolled_back");
    }
  });

  it("waits for approval before anything is requested from GitHub", () => {
    expect(canTransition("pending_approval", "requested")).toBe(true);
    expect(canTransition("pending_approval", "queued")).toBe(false);
    for (const to of ["rejected", "expired", "cancelled"] as const)
      expect(canTransition("pending_approval", to)).toBe(true);
    expect(canTransition("requested", "pending_approval")).toBe(false);
  });

  it("never goes backwards", () => {
    expect(canTransition("in_progress", "queued")).toBe(false);
    expect(canTransition("queued", "requested")).toBe(false);
  });

  it("lets any live state end", () => {
    for (const from of ["requested", "queued", "in_progress"] as const) {
      for (const to of ["succeeded", "failed", "cancelled", "timed_out"] as const)
        expect(canTransition(from, to)).toBe(true);
    }
  });

  it("lists the states a move may start from", () => {
    expect(statesBefore("in_progress")).toEqual(["requested", "queued"]);
    expect(statesBefore("requested")).toEqual(["pending_approval"]);
    expect(statesBefore("rolled_back")).toEqual(["succeeded"]);
  });

  it.each([
    [{ kind: "run", status: "queued", conclusion: null }, "queued"],
    [{ kind: "run", status: "waiting", conclusion: null }, "queued"],
    [{ kind: "run", status: "in_progress", conclusion: null }, "in_progress"],
    [{ kind: "run", status: "completed", conclusion: "success" }, "succeeded"],
    [{ kind: "run", status: "completed", conclusion: "failure" }, "failed"],
    [{ kind: "run", status: "completed", conclusion: "startup_failure" }, "failed"],
    [{ kind: "run", status: "completed", conclusion: "cancelled" }, "cancelled"],
    [{ kind: "run", status: "completed", conclusion: "timed_out" }, "timed_out"],
    [{ kind: "deployment", state: null }, "queued"],
    [{ kind: "deployment", state: "in_progress" }, "in_progress"],
    [{ kind: "deployment", state: "success" }, "succeeded"],
    [{ kind: "deployment", state: "error" }, "failed"],
    [{ kind: "deployment", state: "failure" }, "failed"],
    [{ kind: "deployment", state: "inactive" }, undefined],
  ] as const)("maps GitHub's %o to %s", (remote, expected) => {
    const progress =
      remote.kind === "run" ? runProgress(remote.status, remote.conclusion) : deploymentProgress(remote.state);
    expect(stateFromProgress(progress)).toBe(expected);
  });

  it("ignores stale news and keeps final states final", () => {
    expect(advance("in_progress", "queued")).toBe("in_progress");
    expect(advance("succeeded", "failed")).toBe("succeeded");
    expect(advance("queued", undefined)).toBe("queued");
    expect(advance("requested", "succeeded")).toBe("succeeded");
    expect(isFinal(advance("queued", "failed"))).toBe(true);
  });
});
