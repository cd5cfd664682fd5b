/**
 * Attack: a link Gantry shows comes from a payload (a deployment status's log_url or target_url, a run's html_url,
 * a webhook of someone holding the secret), so it can point anywhere, and with `|` and `>` in it, it can pick its own
 * label and append an @channel. Gantry links only https pages on the configured GitHub host, with `|`, `<` and `>`
 * percent-encoded, under its own label; anything else is shown as code, never as a link.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startHarness, stopAfterEach, testConfig, USERS, type Harness } from "../support/harness.js";
import {
  Conversation,
  forgedTokens,
  gantrysOwn,
  hookUp,
  newest,
  sendWebhook,
  webhooksSettled,
  WEBHOOK_SECRET,
} from "./support.js";

let h: Harness | undefined;
stopAfterEach(() => h);
afterEach(async () => {
  if (h) await webhooksSettled(h);
  h = undefined;
});

const SPOOF = "https://evil.example.com/login|Approve in GitHub> <!channel>";
const ON_HOST_SPOOF = "https://github.com/acme/billing-worker/actions/runs/1|Looks legit> <!here>";

/** A deployment-mode deploy whose deployer reports nothing by itself: the test posts its statuses. */
async function heldDeployment(): Promise<{ talk: Conversation; id: number; deploymentId: number }> {
  h = await startHarness();
  const talk = new Conversation(h);
  h.gh.setDeploymentScript(() => ({ hold: true }));
  await talk.send(USERS.alice, "/deploy", "billing-worker main to staging");
  const id = await newest(h, "billing-worker");
  const created = await h.until(id, (d) => d.runId !== null && d.slackTs !== null);
  return { talk, id, deploymentId: Number(created.runId) };
}

function linksIn(talk: Conversation): string[] {
  return talk
    .shown()
    .flatMap((r) => [r.text, ...r.blocks])
    .flatMap((t) => t.match(/<https?:[^<>]*>/g) ?? []);
}

describe("links from payloads", () => {
  it("a deployment status whose log_url points elsewhere, with a label and @channel of its own, is not linked", async () => {
    const { talk, id, deploymentId } = await heldDeployment();
    h!.gh.addDeploymentStatus("acme/billing-worker", deploymentId, "in_progress", { logUrl: SPOOF });
    await h!.until(id, (d) => d.state === "in_progress");
    h!.gh.addDeploymentStatus("acme/billing-worker", deploymentId, "success", { logUrl: SPOOF });
    expect((await h!.finished(id)).state).toBe("succeeded");
    expect(forgedTokens(talk.shown(), gantrysOwn([USERS.alice]))).toEqual([]);
    expect(linksIn(talk).filter((l) => l.includes("evil.example.com"))).toEqual([]);
  });

  it("a link on GitHub's host with | and > in it is linked percent-encoded, under Gantry's own label", async () => {
    const { talk, id, deploymentId } = await heldDeployment();
    h!.gh.addDeploymentStatus("acme/billing-worker", deploymentId, "success", { logUrl: ON_HOST_SPOOF });
    await h!.finished(id);
    expect(forgedTokens(talk.shown(), gantrysOwn([USERS.alice]))).toEqual([]);
    const links = linksIn(talk);
    expect(links.length).toBeGreaterThan(0);
    for (const link of links)
      expect(link).toMatch(
        /^<https:\/\/github\.com\/acme\/billing-worker\/actions\/runs\/1%7CLooks%20legit%3E%20%3C!here%3E\|(deployment|details)>$/,
      );
  });

  it("an outside deployment announced with a spoofing log_url links nothing of it", async () => {
    h = await startHarness({
      config: testConfig({ polling: { interval: "1h", maxInterval: "1h" } }),
      webhookSecret: WEBHOOK_SECRET,
    });
    hookUp(h);
    const sha = h.gh.addCommit("acme/checkout-api", { message: "by hand", branch: "main" });
    const outside = h.gh.addDeployment("acme/checkout-api", {
      ref: sha,
      environment: "production",
      creator: "octocat",
    });
    h.gh.addDeploymentStatus("acme/checkout-api", outside.id, "success", { logUrl: SPOOF });
    await webhooksSettled(h);
    const talk = new Conversation(h);
    const announced = talk.shown().filter((r) => r.text.includes("outside Gantry"));
    expect(announced).toHaveLength(1);
    expect(forgedTokens(announced, gantrysOwn([]))).toEqual([]);
    expect(linksIn(talk)).toEqual([]);
  });

  it("a signed workflow_run whose html_url points elsewhere does not become the deploy's link", async () => {
    h = await startHarness({
      config: testConfig({ polling: { interval: "1h", maxInterval: "1h" } }),
      webhookSecret: WEBHOOK_SECRET,
    });
    const url = hookUp(h);
    const talk = new Conversation(h);
    h.gh.setRunScript(() => ({ hold: true }));
    await talk.send(USERS.alice, "/deploy", "checkout-api main to staging");
    const id = await newest(h);
    await h.until(id, (d) => d.state === "in_progress");
    await webhooksSettled(h);
    const real = h.gh.deliveries.find((d) => d.event === "workflow_run" && d.action === "in_progress")!;
    const payload = structuredClone(real.payload) as { workflow_run: { html_url: string } };
    payload.workflow_run.html_url = SPOOF;
    expect(await sendWebhook(url, "workflow_run", payload)).toBe(202);
    await webhooksSettled(h);
    const run = (await h.gantry.store.getDeployment(id))!;
    h.gh.completeRun(Number(run.runId), "success");
    expect((await h.finished(id)).state).toBe("succeeded");
    expect(forgedTokens(talk.shown(), gantrysOwn([USERS.alice]))).toEqual([]);
    expect(linksIn(talk).filter((l) => l.includes("evil.example.com"))).toEqual([]);
  });
});
