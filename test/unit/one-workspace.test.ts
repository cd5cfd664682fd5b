import { describe, expect, it } from "vitest";
import { claimOf, foreign } from "../../src/slack/one-workspace.js";

const OURS = { teamId: "T0OURS" };
const GRID = { teamId: "T0OURS", enterpriseId: "E0OURS" };
const verdict = (body: Record<string, unknown>, installed: { teamId: string; enterpriseId?: string } = OURS) =>
  foreign(claimOf(body), installed);

describe("which workspace a request comes from", () => {
  it("serves commands, clicks and events that name only the installed workspace", () => {
    expect(verdict({ command: "/deploy", team_id: "T0OURS", user_id: "U1" })).toBeUndefined();
    expect(
      verdict({ type: "block_actions", team: { id: "T0OURS" }, user: { id: "U1", team_id: "T0OURS" } }),
    ).toBeUndefined();
    expect(
      verdict({
        type: "event_callback",
        team_id: "T0OURS",
        authorizations: [{ team_id: "T0OURS", enterprise_id: null }],
      }),
    ).toBeUndefined();
    expect(verdict({ command: "/deploy", team_id: "T0OURS", enterprise_id: "E0OURS" }, GRID)).toBeUndefined();
  });

  it("refuses any other team or organization named anywhere Slack names one", () => {
    expect(verdict({ command: "/deploy", team_id: "T0EVIL" })).toBe("another workspace");
    expect(verdict({ type: "block_actions", team: { id: "T0OURS" }, user: { id: "U1", team_id: "T0EVIL" } })).toBe(
      "another workspace",
    );
    expect(
      verdict({ type: "view_submission", team: { id: "T0OURS" }, view: { app_installed_team_id: "T0EVIL" } }),
    ).toBe("another workspace");
    expect(verdict({ type: "event_callback", team_id: "T0OURS", authorizations: [{ team_id: "T0EVIL" }] })).toBe(
      "another workspace",
    );
    expect(verdict({ command: "/deploy", team_id: "T0OURS", enterprise_id: "E0EVIL" }, GRID)).toBe(
      "another organization",
    );
    expect(verdict({ type: "block_actions", team: { id: "T0OURS", enterprise_id: "E0EVIL" } }, GRID)).toBe(
      "another organization",
    );
    expect(verdict({ type: "block_actions", team: { id: "T0OURS" }, enterprise: { id: "E0EVIL" } })).toBe(
      "another organization",
    );
  });

  it("refuses a request that names no workspace, or names one with something that is not an id", () => {
    expect(verdict({ type: "block_actions", user: { id: "U1" } })).toBe("no workspace named");
    expect(verdict({ command: "/deploy", team_id: 7 })).toBe("another workspace");
    expect(verdict({ type: "block_actions", team: { id: ["T0OURS"] } })).toBe("another workspace");
  });

  it("says who asked and what kind of request it was", () => {
    expect(claimOf({ command: "/deploy", user_id: "U1", team_id: "T0OURS" })).toMatchObject({
      kind: "command",
      user: "U1",
    });
    expect(claimOf({ type: "event_callback", event: { user: "U2" } })).toMatchObject({
      kind: "event_callback",
      user: "U2",
    });
  });
});
