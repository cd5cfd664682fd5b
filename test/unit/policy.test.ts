import { describe, expect, it } from "vitest";
import { describePrincipals, groupHandles, isAllowed } from "../../src/domain/policy.js";
import { formatDuration } from "../../src/domain/format.js";

describe("deploy policy", () => {
  const members = { platform: ["U0ALICE", "U0BOB"] };

  it.each([
    [undefined, "U0ANYONE", true],
    [["@platform"], "U0ALICE", true],
    [["@platform"], "U0MALLORY", false],
    [["U0CAROL"], "U0CAROL", true],
    [["@platform", "U0CAROL"], "U0CAROL", true],
    [["@unknown-group"], "U0ALICE", false],
  ] as const)("deployers %j allow %s: %s", (principals, user, expected) => {
    expect(isAllowed(principals, user, members)).toBe(expected);
  });

  it("names group handles and users for a refusal", () => {
    expect(groupHandles(["@platform", "U0CAROL", "@sre"])).toEqual(["platform", "sre"]);
    expect(describePrincipals(["@platform", "U0CAROL"])).toBe("`@platform` or <@U0CAROL>");
    expect(describePrincipals(["@a", "@b", "U1X"])).toBe("`@a`, `@b` or <@U1X>");
  });
});

describe("formatting", () => {
  it.each([
    [0, "0s"],
    [12_400, "12s"],
    [192_000, "3m 12s"],
    [3_720_000, "1h 2m"],
  ])("formats %d ms as %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

import { jiraKeys, summarizeChange } from "../../src/domain/change.js";

describe("change summaries", () => {
  it("finds Jira keys once each, ignoring look-alikes", () => {
    expect(jiraKeys("PAY-101 fix; see PAY-101 and OPS-7, not pay-3, UTF-8 or X-0")).toEqual([
      "PAY-101",
      "OPS-7",
      "UTF-8",
    ]);
  });

  it("counts commits, authors and keys, keeping first lines only", () => {
    const s = summarizeChange("a".repeat(40), [
      { sha: "1", message: "PAY-1 one\n\nbody OPS-9", author: "alice", date: null },
      { sha: "2", message: "two", author: "bob", date: null },
      { sha: "3", message: "PAY-1 three", author: "alice", date: null },
    ]);
    expect(s).toMatchObject({ total: 3, authors: ["alice", "bob"], jiraKeys: ["PAY-1", "OPS-9"] });
    expect(s.commits[0]!.message).toBe("PAY-1 one");
  });
});

import { approvalPolicy, authorsOf, checkVoter, tally } from "../../src/domain/approval.js";
import { GantryConfig } from "../../src/config/schema.js";

describe("approvals", () => {
  const config = GantryConfig.parse({
    breakGlass: { approvers: ["U0SRE"] },
    services: {
      api: {
        repo: "a/b",
        workflow: "d.yml",
        environments: {
          staging: {},
          production: {
            approvals: { required: 2, approvers: ["@release"], channel: "C0RELEASES" },
            rollback: { approvals: { required: 1, approvers: ["U0ONCALL"] } },
          },
        },
      },
    },
  });
  const prod = config.services.api!.environments.production!;
  const staging = config.services.api!.environments.staging!;

  it("picks the rule by kind: deploys, rollbacks, break glass", () => {
    expect(approvalPolicy({ kind: "deploy", forceReason: null }, prod, config)).toMatchObject({
      required: 2,
      approvers: ["@release"],
      allowSelfApproval: false,
      expiresAfter: "1h",
      breakGlass: false,
    });
    expect(approvalPolicy({ kind: "rollback", forceReason: null }, prod, config)).toMatchObject({
      required: 1,
      approvers: ["U0ONCALL"],
    });
    expect(approvalPolicy({ kind: "deploy", forceReason: "hotfix for outage" }, prod, config)).toMatchObject({
      required: 1,
      approvers: ["U0SRE"],
      breakGlass: true,
      channel: "C0RELEASES",
    });
    expect(approvalPolicy({ kind: "deploy", forceReason: null }, staging, config)).toBeUndefined();
    expect(approvalPolicy({ kind: "rollback", forceReason: null }, staging, config)).toBeUndefined();
  });

  it("counts each approver once, for the commit being deployed only", () => {
    const votes = [
      { voter: "U1", vote: "approve", sha: "old", at: "t" },
      { voter: "U2", vote: "approve", sha: "new", at: "t" },
      { voter: "U2", vote: "approve", sha: "new", at: "t" },
    ] as const;
    expect(tally(votes, "new", 2)).toEqual({
      approvedBy: ["U2"],
      remaining: 1,
      complete: false,
      rejectedBy: undefined,
    });
    expect(tally([...votes, { voter: "U1", vote: "approve", sha: "new", at: "t" }], "new", 2).complete).toBe(true);
    expect(tally([{ voter: "U3", vote: "reject", sha: "new", at: "t" }], "new", 1).rejectedBy).toBe("U3");
  });

  it("refuses outsiders and self-approval unless allowed", () => {
    const policy = approvalPolicy({ kind: "deploy", forceReason: null }, prod, config)!;
    expect(checkVoter(policy, "U1", "U2", false, [])).toEqual({ ok: false, why: "not_approver" });
    expect(checkVoter(policy, "U1", "U1", true, [])).toEqual({ ok: false, why: "self_approval" });
    expect(checkVoter({ ...policy, allowSelfApproval: true }, "U1", "U1", true, [])).toEqual({ ok: true });
    expect(checkVoter(policy, "U1", "U2", true, ["U1"])).toEqual({ ok: true });
  });

  it("refuses authors of the change with excludeAuthors, and everyone while the change is not known", () => {
    const policy = { ...approvalPolicy({ kind: "deploy", forceReason: null }, prod, config)!, excludeAuthors: true };
    expect(checkVoter(policy, "U1", "U2", true, ["U1"])).toEqual({ ok: false, why: "author" });
    expect(checkVoter(policy, "U1", "U2", true, undefined)).toEqual({ ok: false, why: "change_unknown" });
    expect(checkVoter(policy, "U1", "U2", true, ["U3"])).toEqual({ ok: true });
    const change = { base: null, total: 3, commits: [], authors: ["Octo-Cat", "Some Name", "hubot"], jiraKeys: [] };
    expect(authorsOf(change, { octocat: "U1", hubot: "U1", other: "U9" })).toEqual(["U1"]);
    expect(authorsOf(null, { octocat: "U1" })).toBeUndefined();
  });
});

import { githubWebBase } from "../../src/github/web-url.js";

describe("GitHub web links", () => {
  it.each([
    ["https://api.github.com", "https://github.com"],
    ["https://ghe.example.com/api/v3", "https://ghe.example.com"],
    ["https://ghe.example.com/api/v3/", "https://ghe.example.com"],
    ["http://127.0.0.1:4000", "http://127.0.0.1:4000"],
  ])("%s → %s", (api, web) => {
    expect(githubWebBase(api)).toBe(web);
  });
});
