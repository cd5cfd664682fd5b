import { writeFileSync } from "node:fs";
import { Octokit } from "@octokit/rest";
import { describe, expect, it } from "vitest";
import { runCli, type CliIo } from "../../src/cli/gantry.js";
import { GantryConfig } from "../../src/config/schema.js";
import { computeDora } from "../../src/domain/dora/report.js";
import { CHANNEL, GITHUB_TOKEN, startHarness, type Harness, stopAfterEach } from "../support/harness.js";

let h: Harness;
stopAfterEach(() => h);

const YAML = `
timezone: UTC
services:
  checkout-api:
    repo: acme/checkout-api
    workflow: deploy.yml
    environments: { staging: {}, production: {} }
teams:
  payments: { channel: ${CHANNEL}, services: [checkout-api] }
`;

async function cli(args: string[], env: Record<string, string>): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => out.push(`ERR ${l}`), env };
  return { code: await runCli(args, io), out };
}

/** checkout-api with production alone, whose GitHub deployments are only what the test posts. */
async function startProductionOnly(): Promise<Harness> {
  const harness = await startHarness({
    config: GantryConfig.parse({
      services: {
        "checkout-api": { repo: "acme/checkout-api", workflow: "deploy.yml", environments: { production: {} } },
      },
    }),
  });
  harness.gh.setDeploymentScript(() => ({ hold: true }));
  return harness;
}

/** A GitHub deployment of `ref` to `environment` made outside Gantry, as GitHub's API takes it; its id. */
async function createDeployment(octokit: Octokit, ref: string, environment = "production"): Promise<number> {
  const { data } = await octokit.rest.repos.createDeployment({
    owner: "acme",
    repo: "checkout-api",
    ref,
    environment,
    auto_merge: false,
    required_contexts: [],
  });
  return (data as { id: number }).id;
}

/** The backfill's environment: the harness's database and a config file beside it. */
async function cliEnv(): Promise<Record<string, string>> {
  const db = (h.gantry.store as unknown as { db: { name: string } }).db.name;
  writeFileSync(`${db}.yml`, YAML);
  return { GITHUB_TOKEN, GITHUB_API_URL: h.gh.url, GANTRY_DB: db, GANTRY_CONFIG: `${db}.yml` };
}

describe("gantry backfill", () => {
  it("imports past production deployments with their commits from GitHub, and a second run adds nothing", async () => {
    h = await startProductionOnly();
    const octokit = new Octokit({ baseUrl: h.gh.url, auth: GITHUB_TOKEN });
    const made: { id: number; sha: string }[] = [];
    for (const [i, outcome] of (["success", "failure", "success"] as const).entries()) {
      const sha = h.gh.addCommit("acme/checkout-api", { message: `PAY-${i} change ${i}`, branch: "main" });
      const id = await createDeployment(octokit, sha);
      h.gh.addDeploymentStatus("acme/checkout-api", id, outcome);
      made.push({ id, sha });
    }
    // A deployment to another environment is not production's business.
    await createDeployment(octokit, "main", "staging");

    const env = await cliEnv();

    const first = await cli(["backfill", "--since", "90d"], env);
    expect(first.code).toBe(0);
    expect(first.out.at(-1)).toBe(
      "done: 2 imported, 1 already known or not successful, 3 commits, 3 pull request lookups, 0 incidents",
    );
    const ledger = await h.gantry.store.ledger(
      [{ service: "checkout-api", environment: "production" }],
      "2000-01-01T00:00:00Z",
    );
    expect(ledger.map((d) => [d.id, d.kind, d.sha])).toEqual([
      [`gh:acme/checkout-api:${made[0]!.id}`, "external", made[0]!.sha],
      [`gh:acme/checkout-api:${made[2]!.id}`, "external", made[2]!.sha],
    ]);
    expect(ledger[0]!.commits.map((c) => c.sha)).toEqual([made[0]!.sha]);
    expect(ledger[1]!.commits).toHaveLength(2);

    const second = await cli(["backfill", "--since", "90d"], env);
    expect(second.out.at(-1)).toBe(
      "done: 0 imported, 3 already known or not successful, 0 commits, 0 pull request lookups, 0 incidents",
    );
    expect(
      await h.gantry.store.ledger([{ service: "checkout-api", environment: "production" }], "2000-01-01T00:00:00Z"),
    ).toHaveLength(2);
  });

  it("looks up each commit's pull request, so coding and review times show in the figures", async () => {
    h = await startProductionOnly();
    const repo = "acme/checkout-api";
    const octokit = new Octokit({ baseUrl: h.gh.url, auth: GITHUB_TOKEN });
    const deploy = async (sha: string) =>
      h.gh.addDeploymentStatus(repo, await createDeployment(octokit, sha), "success");
    const DAY = 86_400_000;
    // One fixed instant: a second ticking over between two calls would make the same day two different times.
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 10 * DAY;
    const day = (n: number) => new Date(t0 + n * DAY).toISOString().replace(/\.\d{3}Z$/, "Z");
    const base = h.gh.addCommit(repo, { message: "base", date: day(0) });
    await deploy(base);
    h.gh.setBranch(repo, "feature", base);
    h.gh.addCommit(repo, { message: "PAY-1 start", branch: "feature", date: day(1) });
    h.gh.addCommit(repo, { message: "PAY-1 finish", branch: "feature", date: day(2) });
    const pull = h.gh.addPullRequest(repo, { branch: "feature", openedAt: day(3), mergedAt: day(5) });
    const direct = h.gh.addCommit(repo, { message: "straight to main", date: day(6) });
    await deploy(direct);

    const env = await cliEnv();
    const run = await cli(["backfill", "--since", "90d"], env);
    expect(run.out).toContain("pull requests: 5 commits looked up");

    const ledger = await h.gantry.store.ledger([{ service: "checkout-api", environment: "production" }], day(-1));
    // The second deploy ships the two feature commits, the merge and the direct push; the first only its head.
    const pulls = Object.fromEntries(ledger.flatMap((d) => d.commits).map((c) => [c.message.split("\n")[0], c.pull]));
    const pr1 = { number: pull.number, firstCommitAt: day(1), openedAt: day(3), mergedAt: day(5) };
    expect(pulls).toEqual({
      base: null,
      "PAY-1 start": pr1,
      "PAY-1 finish": pr1,
      [`Merge pull request #${pull.number} from acme/feature`]: pr1,
      "straight to main": null,
    });
    const report = computeDora({
      deployments: ledger,
      incidents: [],
      timezone: "UTC",
      scope: { team: null, services: [] },
      window: { from: day(-1), to: new Date(Date.now() + DAY).toISOString() },
    });
    // Three changes came through the pull request: coding 2 days (first commit → opened), review 2 days.
    expect(report.stages.coding).toMatchObject({ medianSeconds: 2 * 86_400, changes: 3 });
    expect(report.stages.review).toMatchObject({ medianSeconds: 2 * 86_400, changes: 3 });
    expect(report.stages.withoutPullRequest).toBe(2);
    // A second run asks GitHub nothing more about pull requests.
    const calls = h.gh.calls.length;
    await cli(["backfill", "--since", "90d"], env);
    expect(h.gh.calls.slice(calls).filter((c) => c.path.includes("/pulls"))).toEqual([]);
  });
});
