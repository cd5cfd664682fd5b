/**
 * Attack: a signed deployment_status about a deployment Gantry did not make writes whatever it says into the DORA
 * ledger: a SHA that is no commit, timestamps that are no dates, a success GitHub never saw, another commit than the
 * deployment's. Gantry validates the payload, then imports what GitHub's API says about the deployment, with its
 * commits, in one step: a failure on the way leaves nothing behind, and the redelivery imports it whole.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startHarness, stopAfterEach, testConfig, type Harness } from "../support/harness.js";
import { hookUp, sendWebhook, webhooksSettled, WEBHOOK_SECRET } from "./support.js";

let h: Harness | undefined;
stopAfterEach(() => h);
afterEach(async () => {
  if (h) await webhooksSettled(h);
  h = undefined;
});

const PRODUCTION = [{ service: "checkout-api", environment: "production" }];
const EPOCH = "2000-01-01T00:00:00Z";
const ledger = () => h!.gantry.store.ledger(PRODUCTION, EPOCH);

async function start(): Promise<string> {
  h = await startHarness({
    config: testConfig({ polling: { interval: "1h", maxInterval: "1h" } }),
    webhookSecret: WEBHOOK_SECRET,
  });
  return hookUp(h);
}

/** A deployment_status payload as GitHub shapes it, with the fields an attacker chooses. */
function statusEvent(d: {
  id: number;
  sha: string;
  createdAt: string;
  state?: string;
  statusAt?: string;
  environment?: string;
}) {
  return {
    action: "created",
    deployment_status: {
      id: 77,
      state: d.state ?? "success",
      description: "",
      environment: d.environment ?? "production",
      log_url: "",
      target_url: "",
      created_at: d.statusAt ?? d.createdAt,
    },
    deployment: {
      id: d.id,
      sha: d.sha,
      ref: "main",
      environment: d.environment ?? "production",
      payload: {},
      creator: { login: "mallory" },
      created_at: d.createdAt,
      url: "",
    },
    repository: { full_name: "acme/checkout-api" },
    sender: { login: "mallory" },
  };
}

describe("outside deployments", () => {
  it("a non-hex SHA and timestamps that are no dates are ignored, logged, and never stored", async () => {
    const url = await start();
    expect(
      await sendWebhook(
        url,
        "deployment_status",
        statusEvent({ id: 4242, sha: "not-a-sha; rm -rf /", createdAt: "yesterday", statusAt: "soon" }),
      ),
    ).toBeLessThan(500);
    await webhooksSettled(h!);
    expect(await ledger()).toEqual([]);
    expect(await h!.gantry.store.listAudit()).toEqual([]);
    expect(h!.logs.join("")).toContain("outside deployment ignored");
  });

  it("a success GitHub never recorded, or for another commit than the deployment's, is not imported as the payload says", async () => {
    const url = await start();
    const real = h!.gh.addCommit("acme/checkout-api", { message: "PAY-1 real", branch: "main" });
    const other = h!.gh.addCommit("acme/checkout-api", { message: "PAY-2 other", branch: "side" });
    const d = h!.gh.addDeployment("acme/checkout-api", { ref: real, environment: "production" });
    h!.gh.addDeploymentStatus("acme/checkout-api", d.id, "in_progress");
    await webhooksSettled(h!);
    const at = new Date().toISOString();
    // GitHub shows it in progress: a success in the payload alone is no success.
    expect(await sendWebhook(url, "deployment_status", statusEvent({ id: d.id, sha: other, createdAt: at }))).toBe(202);
    await webhooksSettled(h!);
    expect(await ledger()).toEqual([]);
    // A deployment GitHub does not have at all.
    expect(
      await sendWebhook(url, "deployment_status", statusEvent({ id: d.id + 999, sha: other, createdAt: at })),
    ).toBe(202);
    await webhooksSettled(h!);
    expect(await ledger()).toEqual([]);

    // Once GitHub has the success, it is imported as GitHub has it: its commit, not the payload's.
    h!.gh.addDeploymentStatus("acme/checkout-api", d.id, "success");
    await webhooksSettled(h!);
    expect(await sendWebhook(url, "deployment_status", statusEvent({ id: d.id, sha: other, createdAt: at }))).toBe(202);
    await webhooksSettled(h!);
    const rows = await ledger();
    expect(rows.map((r) => [r.id, r.sha])).toEqual([[`gh:acme/checkout-api:${d.id}`, real]]);
    expect(rows[0]!.commits.map((c) => c.sha)).toEqual([real]);
  });

  it("when the commits cannot be read, nothing is half-imported, and the redelivery imports it whole", async () => {
    await start();
    const first = h!.gh.addCommit("acme/checkout-api", { message: "PAY-7 first", branch: "main" });
    const one = h!.gh.addDeployment("acme/checkout-api", { ref: first, environment: "production" });
    h!.gh.addDeploymentStatus("acme/checkout-api", one.id, "success");
    await webhooksSettled(h!);
    expect((await ledger()).map((r) => r.sha)).toEqual([first]);

    const second = h!.gh.addCommit("acme/checkout-api", { message: "PAY-8 second", branch: "main" });
    const third = h!.gh.addCommit("acme/checkout-api", { message: "PAY-9 third", branch: "main" });
    h!.gh.faults.add({ method: "GET", path: "/repos/{owner}/{repo}/compare/{basehead}", status: 500, times: Infinity });
    const two = h!.gh.addDeployment("acme/checkout-api", { ref: third, environment: "production" });
    h!.gh.addDeploymentStatus("acme/checkout-api", two.id, "success");
    await webhooksSettled(h!);
    expect((await ledger()).map((r) => r.sha)).toEqual([first]);

    h!.gh.faults.clear();
    const failed = h!.gh.deliveries.filter((d) => d.event === "deployment_status").at(-1)!;
    await h!.gh.redeliver(failed.id);
    await webhooksSettled(h!);
    const rows = await ledger();
    expect(rows.map((r) => r.sha)).toEqual([first, third]);
    expect(rows[1]!.commits.map((c) => c.sha).sort()).toEqual([second, third].sort());
  });
});
