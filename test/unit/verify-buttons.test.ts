import pino from "pino";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { VerificationActionResult } from "../../src/deploy/verification-actions.js";
import { acceptNow, rollBackNow } from "../../src/deploy/verification-actions.js";
import { verifyAcceptAction } from "../../src/slack/actions/verify-accept.js";
import { verifyRollbackAction } from "../../src/slack/actions/verify-rollback.js";
import type { ActionInput } from "../../src/slack/actions/types.js";
import type { CommandPorts } from "../../src/slack/commands/types.js";
import { verificationReply } from "../../src/slack/messages/verification-replies.js";
import { deployment, NOW } from "./verification-fixtures.js";

// The use cases are the core's (and tested there): here, only what the buttons hand them and how their results read.
vi.mock("../../src/deploy/verification-actions.js", () => ({ acceptNow: vi.fn(), rollBackNow: vi.fn() }));

const ports = {
  store: { getDeployment: async (id: number) => (id === 12 ? deployment() : undefined) },
  clock: { now: () => NOW },
  log: pino({ level: "silent" }),
} as unknown as CommandPorts;

const input = (value: string): ActionInput => ({
  user: "U0BOB",
  value,
  actionId: "verify_accept",
  triggerId: "t",
  responseUrl: "https://hooks.slack.test/r",
  channel: "C0DEPLOYS",
  messageTs: "12.0001",
});

const answer = async (action: typeof verifyAcceptAction, value: string) =>
  (await action.handle(ports, input(value))).reply?.text.mrkdwn ?? "";

beforeEach(() => {
  vi.mocked(acceptNow).mockReset();
  vi.mocked(rollBackNow).mockReset();
});

describe("Accept now and Roll back now", () => {
  it("take only a value that is exactly a deploy id, and ask nothing of the use cases otherwise", async () => {
    for (const value of ["", "12:production", " 12", "012", "0", "-1", "1e3", "12abc", "9".repeat(16), "__proto__"]) {
      expect(await answer(verifyAcceptAction, value)).toBe("That deploy no longer exists.");
      expect(await answer(verifyRollbackAction, value)).toBe("That deploy no longer exists.");
    }
    expect(await answer(verifyAcceptAction, "99")).toBe("That deploy no longer exists.");
    expect(acceptNow).not.toHaveBeenCalled();
    expect(rollBackNow).not.toHaveBeenCalled();
  });

  it("hand the deploy id and the clicker to the use case, and answer with its result in words", async () => {
    vi.mocked(acceptNow).mockResolvedValue({ done: "accepted", id: 12 });
    expect(await answer(verifyAcceptAction, "12")).toContain(
      ":ok_hand: You accepted #12 of *checkout-api* in *canary*",
    );
    expect(vi.mocked(acceptNow).mock.calls[0]?.slice(1)).toEqual([12, "U0BOB"]);

    vi.mocked(rollBackNow).mockResolvedValue({ done: "rolling_back", id: 12, rollbackId: 13 });
    expect(await answer(verifyRollbackAction, "12")).toContain("Gantry is rolling back: #13");
    const call = vi.mocked(rollBackNow).mock.calls[0]!;
    expect(call.slice(1, 3)).toEqual([12, "U0BOB"]);
    expect(typeof call[3]).toBe("function");
  });

  it("tell an outsider who may act, instead of acting", async () => {
    vi.mocked(rollBackNow).mockResolvedValue({
      refused: "not_deployer",
      id: 12,
      service: "checkout-api",
      environment: "canary",
      deployers: ["@platform", "U0CAROL"],
    });
    expect(await answer(verifyRollbackAction, "12")).toBe(
      ":no_entry: Only people who may deploy *checkout-api* to *canary* can accept or roll back #12: `@platform` or <@U0CAROL>. Ask one of them, or ask to be added in gantry.yml.",
    );
  });
});

describe("the words for every result", () => {
  const d = deployment();
  const words = (r: VerificationActionResult) => verificationReply(r, d, NOW).mrkdwn;

  it("words a rollback that was refused with the refusal and what to type once it is sorted out", () => {
    const text = words({
      done: "failed_without_rollback",
      id: 12,
      refusal: { refused: "rollback", rollback: { why: "nothing_live", environment: "canary" } },
    });
    expect(text).toContain(
      "#12 of *checkout-api* in *canary* ends as failed by your call, but the rollback was refused:",
    );
    expect(text).toContain("Nothing has been deployed to *canary* by Gantry yet");
    expect(text).toContain("type `/rollback checkout-api canary`");
  });

  it("words a click on a deploy that is no longer verifying with its state", () => {
    expect(words({ refused: "not_verifying", id: 12, state: "succeeded" })).toContain(
      "#12 is not verifying any more (:white_check_mark: Succeeded), so there is nothing to accept or roll back early.",
    );
    expect(verificationReply({ refused: "not_verifying", id: 12 }, undefined, NOW).mrkdwn).toContain(
      "`/rollback &lt;service&gt; &lt;environment&gt;`",
    );
  });
});
