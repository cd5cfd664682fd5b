import { describe, expect, it } from "vitest";
import { GantryConfig } from "../../src/config/schema.js";
import { syncIncidents } from "../../src/jobs/sync-incidents.js";
import { CHANNEL, startHarness, USERS, type Harness, stopAfterEach } from "../support/harness.js";

let h: Harness;
stopAfterEach(() => h);

function config(): GantryConfig {
  return GantryConfig.parse({
    polling: { interval: "10ms", maxInterval: "50ms" },
    incidents: { jql: "project = OPS AND issuetype = Incident", serviceField: "components" },
    services: {
      "checkout-api": {
        repo: "acme/checkout-api",
        workflow: "deploy.yml",
        environments: { staging: {}, production: {} },
      },
    },
    teams: { payments: { channel: CHANNEL, services: ["checkout-api"] } },
  });
}

async function deploy(env: string): Promise<number> {
  await h.client.command(USERS.alice, "/deploy", `checkout-api main to ${env}`, { channel: CHANNEL });
  const [d] = await h.gantry.store.history("checkout-api", env, 1);
  expect((await h.finished(d!.id)).state).toBe("succeeded");
  return d!.id;
}

describe("the DORA ledger", () => {
  it("stores each production deployment's commits once: the head first, then the compare since the last one", async () => {
    h = await startHarness({ config: config() });
    const first = h.gh.addCommit("acme/checkout-api", {
      message: "PAY-1 one",
      branch: "main",
      date: "2026-11-20T10:00:00Z",
    });
    const one = await deploy("production");
    await deploy("staging");
    const a = h.gh.addCommit("acme/checkout-api", {
      message: "PAY-2 two",
      branch: "main",
      date: "2026-11-21T10:00:00Z",
    });
    const b = h.gh.addCommit("acme/checkout-api", { message: "three", branch: "main", date: "2026-11-22T10:00:00Z" });
    const two = await deploy("production");

    const ledger = await h.gantry.store.ledger(
      [{ service: "checkout-api", environment: "production" }],
      "2000-01-01T00:00:00Z",
    );
    expect(ledger.map((d) => d.id)).toEqual([String(one), String(two)]);
    expect(ledger[0]!.commits.map((c) => c.sha)).toEqual([first]);
    expect(ledger[0]!.commits[0]!.committedAt).toBe("2026-11-20T10:00:00Z");
    expect(ledger[1]!.commits.map((c) => c.sha).sort()).toEqual([a, b].sort());
    expect(ledger[1]).toMatchObject({ kind: "deploy", rolledBack: false, hotfix: false, sha: b });
  });

  it("syncs incidents from Jira by JQL, page by page, mapping them to services and their references", async () => {
    h = await startHarness({ config: config(), jira: true });
    h.jira!.addProject({ key: "OPS", name: "Operations", issueTypes: ["Incident", "Task"] });
    const now = Date.now();
    const iso = (daysAgo: number) => new Date(now - daysAgo * 86_400_000).toISOString();
    for (let i = 0; i < 120; i++) {
      h.jira!.addIssue({
        project: "OPS",
        issueType: "Incident",
        summary: `blip ${i}`,
        components: ["checkout-api"],
        created: iso(10 + (i % 20)),
      });
    }
    h.jira!.addIssue({
      key: "OPS-900",
      project: "OPS",
      issueType: "Incident",
      summary: "Checkout 500s after deploy #7",
      description: "Started right after abc1234def was deployed",
      components: ["Checkout-API"],
      created: iso(2),
      resolutiondate: iso(1),
      status: "Done",
    });
    h.jira!.addIssue({
      project: "OPS",
      issueType: "Incident",
      summary: "other team",
      components: ["search"],
      created: iso(3),
    });
    h.jira!.addIssue({
      project: "OPS",
      issueType: "Task",
      summary: "not an incident",
      components: ["checkout-api"],
      created: iso(3),
    });

    const first = await syncIncidents(h.gantry.ports);
    expect(first).toEqual({ fetched: 122, stored: 121 });
    const searches = h.jira!.calls.filter((c) => c.path === "/rest/api/3/search/jql");
    expect(searches.length).toBeGreaterThan(1);

    const stored = await h.gantry.store.incidents(["checkout-api"], "2000-01-01T00:00:00Z");
    expect(stored).toHaveLength(121);
    const named = stored.find((i) => i.key === "OPS-900")!;
    expect(named).toMatchObject({
      service: "checkout-api",
      status: "Done",
      refs: { deployIds: ["7"], shas: ["abc1234def"] },
    });
    expect(named.resolvedAt).not.toBeNull();

    await syncIncidents(h.gantry.ports);
    expect(await h.gantry.store.incidents(["checkout-api"], "2000-01-01T00:00:00Z")).toHaveLength(121);
  });
});
