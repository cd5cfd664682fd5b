import { describe, expect, it } from "vitest";
import { describePrincipals, groupHandles, isAllowed } from "../../src/domain/policy.js";
import { escapeMrkdwn, formatDuration } from "../../src/domain/format.js";

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

  it("escapes user text so it cannot mention or link", () => {
    expect(escapeMrkdwn("<!channel> & <https://evil|click>")).toBe("&lt;!channel&gt; &amp; &lt;https://evil|click&gt;");
  });
});
