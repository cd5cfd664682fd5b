import { describe, expect, it } from "vitest";
import { validateBlocks } from "../../sandbox/slack/validate-blocks.js";
import { clientErrors, keptValues, viewState } from "../../sandbox/slack/view-state.js";
import { deployFormView } from "../../src/slack/forms/deploy-form.js";
import { lockFormView } from "../../src/slack/forms/lock-form.js";
import { mrkdwnToPlain } from "../../src/slack/forms/plain-text.js";
import type { BoardModel, BoardService, WaitingItem } from "../../src/slack/home/board-model.js";
import { boardView, MAX_BLOCKS } from "../../src/slack/home/board-view.js";
import { mrkdwn } from "../../src/slack/mrkdwn.js";

const AT = "2026-11-30T09:15:00.000Z";
const SHA = "3f2c1ab9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3";

function services(n: number, envs = ["staging", "production"]): BoardService[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `svc-${i}`,
    cells: envs.map((environment) => ({ environment })),
  }));
}

function waiting(n: number): WaitingItem[] {
  return Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    service: "checkout-api",
    environment: "production",
    ref: "v1.4.2",
    sha: SHA,
    requester: "U0ALICE",
    approved: 1,
    required: 2,
    breakGlass: i === 0,
    expiresAt: AT,
  }));
}

const model = (over: Partial<BoardModel> = {}): BoardModel => ({
  services: services(1),
  waiting: [],
  recent: [],
  dora: [],
  ...over,
});
const texts = (blocks: unknown[]) => JSON.stringify(blocks);

describe("the App Home board", () => {
  it("shows a cell's live ref and SHA, who and when, the running deploy and the lock, with Lock… or Unlock", () => {
    const view = boardView(
      model({
        services: [
          {
            name: "checkout-api",
            cells: [
              {
                environment: "staging",
                live: { id: 41, ref: "v1.4.2", sha: SHA, by: "U0ALICE", at: AT },
                running: { id: 42, state: "in_progress", ref: "main", by: "U0BOB" },
              },
              { environment: "production", lock: { holder: "U0CAROL", reason: "load <test>", expiresAt: AT } },
            ],
          },
        ],
      }),
    );
    const all = texts(view.blocks);
    expect(all).toContain(
      "`v1.4.2` `3f2c1ab` by <@U0ALICE>, <!date^1796030100^{date_short_pretty} {time}|2026-11-30 09:15 UTC> (#41)",
    );
    expect(all).toContain(":rocket: In progress: `main` by <@U0BOB> (#42)");
    expect(all).toContain(":lock: locked by <@U0CAROL> until <!date^1796030100");
    expect(all).toContain("load &lt;test&gt;");
    const accessories = view.blocks.flatMap((b) => ("accessory" in b && b.accessory ? [b.accessory] : []));
    expect(accessories).toMatchObject([
      { action_id: "open_lock_form", value: "checkout-api:staging" },
      { action_id: "unlock_env", value: "checkout-api:production" },
    ]);
    expect(validateBlocks(view.blocks, MAX_BLOCKS)).toBeUndefined();
  });

  it("carries the channel's own Approve and Reject buttons for each request waiting for this person", () => {
    const view = boardView(model({ waiting: waiting(2) }));
    const votes = view.blocks.filter((b) => b.type === "actions" && b.block_id?.startsWith("home_vote_"));
    expect(votes).toMatchObject([
      {
        block_id: "home_vote_1",
        elements: [
          { action_id: "approve_deploy", value: "1", style: "primary" },
          { action_id: "reject_deploy", value: "1", style: "danger" },
        ],
      },
      {
        block_id: "home_vote_2",
        elements: [
          { action_id: "approve_deploy", value: "2" },
          { action_id: "reject_deploy", value: "2" },
        ],
      },
    ]);
    expect(texts(view.blocks)).toContain(":rotating_light: break glass");
    expect(texts(boardView(model()).blocks)).toContain("Nothing is waiting for you");
  });

  it("stays within Slack's 100 blocks however many services and requests there are", () => {
    const view = boardView(
      model({
        services: services(80),
        waiting: waiting(20),
        dora: [
          {
            team: "payments",
            deployments: 3,
            levels: { frequency: "high", leadTime: null, changeFailureRate: "elite", recoveryTime: "low" },
          },
        ],
      }),
    );
    expect(view.blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
    expect(validateBlocks(view.blocks, MAX_BLOCKS)).toBeUndefined();
    const all = texts(view.blocks);
    expect(all).toContain("…and 12 more in their channels.");
    expect(all).toMatch(/…and \d+ more environments: `\/deploy status` lists them all\./);
    // What comes after the services is never pushed out.
    expect(all).toContain("Your recent deploys");
    expect(all).toContain(":large_green_circle: high");
    expect(all).toContain("*Lead time*\\n—");
  });
});

describe("the forms", () => {
  it("keys the environment and ref fields by service, and explains missing environments", () => {
    const view = deployFormView(
      {
        services: ["checkout-api", "billing"],
        service: "billing",
        environments: ["staging"],
        notes: [mrkdwn`*production* takes only promotions`],
      },
      "sealed-by-the-caller",
    );
    expect(view.blocks.map((b) => b.block_id ?? b.type)).toEqual([
      "deploy_service",
      "deploy_env_billing",
      "context",
      "deploy_ref_billing",
      "deploy_reason",
    ]);
    expect(view.blocks[0]).toMatchObject({ dispatch_action: true, element: { initial_option: { value: "billing" } } });
    // One allowed environment is chosen already.
    expect(view.blocks[1]).toMatchObject({ element: { initial_option: { value: "staging" } } });
    expect(view.private_metadata).toBe("sealed-by-the-caller");
    const none = deployFormView({ services: ["billing"], service: "billing", environments: [], notes: [] }, "");
    expect(none.blocks.map((b) => b.type)).toEqual(["input", "section", "input", "input"]);
    expect(validateBlocks(view.blocks, 100)).toBeUndefined();
  });

  it("starts the lock form at the configured default duration", () => {
    const view = lockFormView(
      { service: "checkout-api", environment: "production" },
      { defaultDuration: "3h", maxDuration: "7d" },
      "",
    );
    const values = viewState(view.blocks, {});
    expect(values.lock_duration?.lock_form_duration?.selected_option?.value).toBe("3h");
    expect(clientErrors(view.blocks, values)).toEqual({});
  });

  it("flattens Gantry's mrkdwn answers into the plain text Slack shows under a field", () => {
    expect(
      mrkdwnToPlain(
        ":lock: *checkout-api* is locked by <@U0ALICE>: load &lt;test&gt;. Ends <!date^1^{time}|09:15>, see <https://x.test|the run>.",
      ),
    ).toBe("checkout-api is locked by @U0ALICE: load <test>. Ends 09:15, see the run.");
    expect(mrkdwnToPlain("x".repeat(400))).toHaveLength(300);
  });

  it("keeps what was entered across an update only where the same field still offers it", () => {
    const blocks = (envs: string[]) => [
      {
        type: "input",
        block_id: "env",
        element: {
          type: "static_select",
          action_id: "env",
          options: envs.map((v) => ({ text: { type: "plain_text", text: v }, value: v })),
        },
      },
      {
        type: "input",
        block_id: "why",
        optional: true,
        element: { type: "plain_text_input", action_id: "why", min_length: 3 },
      },
    ];
    const entered = {
      env: {
        env: {
          type: "static_select",
          selected_option: { text: { type: "plain_text" as const, text: "production" }, value: "production" },
        },
      },
      why: { why: { type: "plain_text_input", value: "ok" } },
    };
    expect(Object.keys(keptValues(blocks(["staging", "production"]), entered))).toEqual(["env", "why"]);
    expect(Object.keys(keptValues(blocks(["staging"]), entered))).toEqual(["why"]);
    expect(
      clientErrors(blocks(["staging"]), viewState(blocks(["staging"]), keptValues(blocks(["staging"]), entered))),
    ).toEqual({ env: "This field is required.", why: "Must be at least 3 characters." });
  });
});
