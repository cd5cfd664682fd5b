import { describe, expect, it } from "vitest";
import { mrkdwnToText } from "../../sandbox/slack/mrkdwn.js";
import { renderBlocks, renderMessageForTerminal } from "../../sandbox/slack/render-text.js";

const names: Record<string, string> = { U0ALICE: "alice", U0GANTRYBOT: "gantry" };
const userName = (id: string) => names[id];

const everyBlock = [
  { type: "header", text: { type: "plain_text", text: "Deploy checkout-api" } },
  {
    type: "section",
    text: {
      type: "mrkdwn",
      text: "<@U0ALICE> asks to ship <https://github.com/acme/checkout-api/pull/7|#7> &amp; more",
    },
    fields: [
      { type: "mrkdwn", text: "*Env*\nproduction" },
      { type: "mrkdwn", text: "*Version*\nv1.2.3" },
    ],
    accessory: {
      type: "button",
      action_id: "logs",
      text: { type: "plain_text", text: "Logs" },
      url: "https://ci.example/1",
    },
  },
  { type: "divider" },
  {
    type: "context",
    elements: [
      { type: "mrkdwn", text: "Requested in <#C0PAY|payments>" },
      { type: "image", image_url: "https://x/y.png", alt_text: "avatar" },
    ],
  },
  { type: "image", image_url: "https://example.com/graph.png", alt_text: "error rate graph" },
  {
    type: "actions",
    block_id: "decide",
    elements: [
      {
        type: "button",
        action_id: "approve",
        value: "42",
        style: "primary",
        text: { type: "plain_text", text: "Approve" },
      },
      {
        type: "button",
        action_id: "reject",
        value: "42",
        style: "danger",
        text: { type: "plain_text", text: "Reject" },
      },
      { type: "static_select", action_id: "env", placeholder: { type: "plain_text", text: "Pick env" } },
    ],
  },
  {
    type: "rich_text",
    elements: [
      {
        type: "rich_text_list",
        elements: [{ type: "rich_text_section", elements: [{ type: "text", text: "step one" }] }],
      },
    ],
  },
  {
    type: "input",
    label: { type: "plain_text", text: "Reason" },
    element: { type: "plain_text_input", action_id: "reason" },
  },
  { type: "video", title: { type: "plain_text", text: "x" } },
];

describe("renderBlocks", () => {
  it("renders every block type and collects buttons", () => {
    const { text, buttons } = renderBlocks({ text: "fallback", blocks: everyBlock }, { userName, width: 10 });
    expect(text.split("\n")).toEqual([
      "Deploy checkout-api",
      "===================",
      "@alice asks to ship #7 (https://github.com/acme/checkout-api/pull/7) & more",
      "  *Env* production",
      "  *Version* v1.2.3",
      "  [Logs]",
      "──────────",
      "Requested in #payments  ·  [image: avatar]",
      "[image: error rate graph] https://example.com/graph.png",
      "[Approve]  [Reject]  [static_select: Pick env]",
      "• step one",
      "Reason: [plain_text_input]",
      "[video block]",
    ]);
    expect(buttons).toEqual([
      { actionId: "logs", label: "Logs", url: "https://ci.example/1" },
      { actionId: "approve", label: "Approve", value: "42", style: "primary", blockId: "decide" },
      { actionId: "reject", label: "Reject", value: "42", style: "danger", blockId: "decide" },
    ]);
  });

  it("numbers buttons when asked, and falls back to text without blocks", () => {
    const numbered = renderBlocks(
      { blocks: everyBlock.slice(5, 6) },
      { buttonLabel: (b, i) => `[${i + 1}] ${b.label}` },
    );
    expect(numbered.text).toBe("[1] Approve  [2] Reject  [static_select: Pick env]");
    expect(renderBlocks({ text: "Hi <@U0BOB> see <https://x.dev>" }).text).toBe("Hi @U0BOB see https://x.dev");
  });

  it("renders legacy attachments with a bar", () => {
    const { text } = renderBlocks({
      text: "t",
      attachments: [{ color: "#f00", title: "Failed", text: "step 3", fields: [{ title: "Env", value: "prod" }] }],
    });
    expect(text).toBe("t\n┃ Failed\n┃ step 3\n┃   Env: prod");
  });
});

describe("mrkdwnToText", () => {
  it("converts Slack escapes and mentions", () => {
    expect(
      mrkdwnToText("<!subteam^S0PLATFORM|@platform> <!here> <!date^1700000000^{date}|Nov 14> <mailto:a@b.c|mail>"),
    ).toBe("@platform @here Nov 14 mail (mailto:a@b.c)");
  });
});

describe("renderMessageForTerminal", () => {
  it("prefixes author and time, marks edits and indents thread replies", () => {
    const base = { user: "U0GANTRYBOT", ts: "1700000460.000100", text: "Deploy *done*", history: [] };
    expect(renderMessageForTerminal(base, { userName, timeZone: "UTC" }).text).toBe("gantry  22:21\n  Deploy *done*");
    const reply = renderMessageForTerminal(
      { ...base, thread_ts: "1700000000.000100", history: [{}], visibleTo: "U0ALICE" },
      { userName, timeZone: "UTC" },
    );
    expect(reply.text).toBe("    │ gantry  22:21  (edited)  (only visible to @alice)\n    │   Deploy *done*");
  });
});
