/**
 * Resilience over the emulators: GitHub and Slack answering 5xx, rate limiting, answering too late, hanging up, and
 * runs that never end. Whatever happens, every acknowledged command ends, Slack and the audit log agree with the
 * database, and no deploy is dispatched twice.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CHANNEL, startHarness, stopAfterEach, testConfig, USERS, type Harness } from "../support/harness.js";
import { assertInvariants, dispatchesByKey } from "../support/invariants.js";

let h: Harness | undefined;
beforeEach(async () => {
  h = await startHarness();
});
stopAfterEach(() => h);
afterEach(() => {
  h = undefined;
});

function harness(): Harness {
  if (!h) throw new Error("no harness");
  return h;
}

/** Sends `/deploy checkout-api main to staging` (or `text`), checks the acknowledgement and returns the new deploy's id. */
async function deploy(text = "checkout-api main to staging", service = "checkout-api"): Promise<number> {
  const res = await harness().client.command(USERS.alice, "/deploy", text, { channel: CHANNEL });
  expect(res.status).toBe(200);
  expect(res.body).toBe("");
  const [latest] = await harness().gantry.store.history(service, undefined, 1);
  if (!latest) throw new Error("no deploy was recorded");
  return latest.id;
}

const DISPATCH = /\/actions\/workflows\/[^/]+\/dispatches$/;
const RUN = /\/actions\/runs\/\d+$/;

function dispatches(): number {
  return [...dispatchesByKey(harness().gh.calls).values()].reduce((a, b) => a + b, 0);
}

describe("GitHub 5xx on dispatch", () => {
  for (const status of [500, 502, 503]) {
    it(`retries a single ${status} and the deploy still succeeds, dispatched once`, async () => {
      const gh = harness().gh;
      gh.faults.add({ method: "POST", path: DISPATCH, status });
      const done = await harness().finished(await deploy());
      expect(done.state).toBe("succeeded");
      expect(gh.calls.filter((c) => c.method === "POST" && DISPATCH.test(c.path)).map((c) => c.status)).toEqual([
        status,
        200,
      ]);
      expect(dispatches()).toBe(1);
      await assertInvariants(harness());
    });

    it(`ends failed in GitHub's words when every attempt gets ${status}`, async () => {
      const gh = harness().gh;
      gh.faults.add({
        method: "POST",
        path: DISPATCH,
        status,
        times: Infinity,
        body: { message: `Server Error ${status}`, documentation_url: "https://docs.github.com/rest" },
      });
      const done = await harness().finished(await deploy());
      expect(done.state).toBe("failed");
      expect(done.reason).toContain(`GitHub answered ${status}`);
      expect(done.reason).toContain(`Server Error ${status}`);
      expect(gh.runs).toHaveLength(0);
      expect(dispatches()).toBe(0);
      await assertInvariants(harness());
    });
  }

  it("follows the run through 5xx while polling", async () => {
    const gh = harness().gh;
    gh.setRunScript(() => ({ runMs: 100 }));
    gh.faults.add({ method: "GET", path: RUN, status: 502, times: 3 });
    gh.faults.add({ method: "GET", path: RUN, status: 503, times: 3 });
    const done = await harness().finished(await deploy());
    expect(done.state).toBe("succeeded");
    expect(gh.faults.pending()).toHaveLength(0);
    await assertInvariants(harness());
  });
});

describe("GitHub rate limits", () => {
  it("waits out a 429 with Retry-After while polling, and the deploy still succeeds", async () => {
    const gh = harness().gh;
    gh.setRunScript(() => ({ runMs: 100 }));
    gh.faults.add({
      method: "GET",
      path: RUN,
      status: 429,
      headers: { "retry-after": "1", "x-ratelimit-remaining": "0" },
      body: { message: "API rate limit exceeded", documentation_url: "https://docs.github.com/rest" },
      times: 2,
    });
    const done = await harness().finished(await deploy());
    expect(done.state).toBe("succeeded");
    expect(gh.calls.filter((c) => c.status === 429)).toHaveLength(2);
    await assertInvariants(harness());
  });

  it("waits out a 429 with Retry-After on the dispatch and dispatches once", async () => {
    const gh = harness().gh;
    gh.faults.add({
      method: "POST",
      path: DISPATCH,
      status: 429,
      headers: { "retry-after": "1" },
      body: { message: "You have exceeded a secondary rate limit", documentation_url: "https://docs.github.com/rest" },
    });
    const done = await harness().finished(await deploy());
    expect(done.state).toBe("succeeded");
    expect(dispatches()).toBe(1);
    await assertInvariants(harness());
  });
});

describe("GitHub slow and dropped", () => {
  it("a dispatch answered past the client timeout is not sent again; the run is found by the deploy's key", async () => {
    const gh = harness().gh;
    gh.faults.add({ method: "POST", path: DISPATCH, delayMs: 2_500 });
    const id = await deploy();
    // GitHub still acts on the request the client gave up on: wait for its late answer before judging.
    await gh.waitForCall(
      (c) => c.method === "POST" && DISPATCH.test(c.path) && c.fault === false && c.durationMs >= 2_500,
    );
    const done = await harness().finished(id);
    expect(done.state).toBe("succeeded");
    expect(gh.runs).toHaveLength(1);
    expect(done.runId).toBe(String(gh.runs[0]!.id));
    await assertInvariants(harness());
  }, 10_000);

  it("a poll answered past the client timeout is retried and the deploy succeeds", async () => {
    const gh = harness().gh;
    gh.setRunScript(() => ({ runMs: 100 }));
    gh.faults.add({ method: "GET", path: RUN, delayMs: 2_500 });
    const done = await harness().finished(await deploy());
    expect(done.state).toBe("succeeded");
    await assertInvariants(harness());
  }, 10_000);

  it("a dispatch whose connection drops is not sent again: with no run to be found, it times out", async () => {
    // The client cannot tell a dispatch GitHub never saw from one whose answer was lost; resending could deploy twice.
    await harness().stop();
    const config = testConfig();
    config.services["checkout-api"]!.environments.staging!.timeout = "300ms";
    h = await startHarness({ config });
    h.gh.faults.add({ method: "POST", path: DISPATCH, drop: true });
    const done = await h.finished(await deploy());
    expect(done.state).toBe("timed_out");
    expect(h.gh.calls.filter((c) => c.method === "POST" && DISPATCH.test(c.path)).map((c) => c.status)).toEqual([0]);
    expect(h.gh.calls.some((c) => c.method === "GET" && /\/workflows\/deploy\.yml\/runs$/.test(c.path))).toBe(true);
    await assertInvariants(h);
  });

  it("a dropped dispatch with no run on GitHub after the grace period ends as failed, saying so, without waiting for the timeout", async () => {
    const gh = harness().gh;
    gh.faults.add({ method: "POST", path: DISPATCH, drop: true });
    const id = await deploy();
    await harness().until(id, (d) => d.state === "queued");
    harness().advance(4 * 60_000);
    const done = await harness().finished(id);
    expect(done.state).toBe("failed");
    expect(done.reason).toContain(
      "GitHub shows no workflow run for this deploy: the request never started one (nothing was sent twice)",
    );
    expect(gh.calls.filter((c) => c.method === "POST" && DISPATCH.test(c.path))).toHaveLength(1);
    await assertInvariants(harness());
  });

  it("a deployment creation whose answer is lost is not sent again: the deployment is found by its key", async () => {
    const gh = harness().gh;
    gh.faults.add({ method: "POST", path: /\/deployments$/, delayMs: 2_500 });
    await harness().client.command(USERS.alice, "/deploy", "billing-worker main to staging", { channel: CHANNEL });
    const [d] = await harness().gantry.store.history("billing-worker", undefined, 1);
    const done = await harness().finished(d!.id);
    expect(done.state).toBe("succeeded");
    expect(gh.deployments).toHaveLength(1);
    expect(done.runId).toBe(String(gh.deployments[0]!.id));
    await assertInvariants(harness());
  }, 10_000);

  it("dropped connections while polling are retried and the deploy succeeds", async () => {
    const gh = harness().gh;
    gh.setRunScript(() => ({ runMs: 100 }));
    gh.faults.add({ method: "GET", path: RUN, drop: true, times: 3 });
    const done = await harness().finished(await deploy());
    expect(done.state).toBe("succeeded");
    await assertInvariants(harness());
  });

  it("a dropped connection while resolving the ref is retried", async () => {
    const gh = harness().gh;
    gh.faults.add({ method: "GET", path: /\/commits\/|\/git\/ref/, drop: true });
    const done = await harness().finished(await deploy());
    expect(done.state).toBe("succeeded");
    await assertInvariants(harness());
  });
});

describe("GitHub runs that never finish", () => {
  it("a held run ends timed_out after the service's timeout, in Slack and the audit log", async () => {
    await harness().stop();
    const config = testConfig();
    config.services["checkout-api"]!.environments.staging!.timeout = "200ms";
    h = await startHarness({ config });
    h.gh.setRunScript(() => ({ hold: true }));
    const done = await h.finished(await deploy());
    expect(done.state).toBe("timed_out");
    expect(done.reason).toBe("no news from GitHub for 200ms");
    expect(dispatches()).toBe(1);
    await assertInvariants(h);
  });

  it("a run GitHub keeps failing to report on ends timed_out", async () => {
    await harness().stop();
    const config = testConfig();
    config.services["checkout-api"]!.environments.staging!.timeout = "300ms";
    h = await startHarness({ config });
    h.gh.faults.add({ method: "GET", path: RUN, status: 503, times: Infinity });
    const done = await h.finished(await deploy());
    expect(done.state).toBe("timed_out");
    await assertInvariants(h);
  });
});

describe("Slack faults", () => {
  it("chat.update answering 5xx once: the deploy completes and the message ends on the final state", async () => {
    const s = harness();
    s.slack.faults.add({ method: "chat.update", status: 500, times: 1 });
    const done = await s.finished(await deploy());
    expect(done.state).toBe("succeeded");
    await assertInvariants(s);
  }, 10_000);

  it("chat.update rate limited: the deploy completes and the message ends on the final state", async () => {
    const s = harness();
    s.slack.faults.add({ method: "chat.update", retryAfter: 1, times: 1 });
    const done = await s.finished(await deploy());
    expect(done.state).toBe("succeeded");
    expect(s.slack.calls.filter((c) => c.method === "chat.update" && c.status === 429)).toHaveLength(1);
    await assertInvariants(s);
  }, 10_000);

  it("chat.update failing for good: the deploy still completes and the audit log has the final state", async () => {
    const s = harness();
    s.slack.faults.add({ method: "chat.update", error: "internal_error", times: Infinity });
    const id = await deploy();
    const done = await s.finished(id);
    expect(done.state).toBe("succeeded");
    await assertInvariants(s, { slackMayLag: [id] });
    const audit = await s.gantry.store.listAudit({ deploymentId: id });
    expect(audit.at(-1)?.action).toBe("deploy.succeeded");
  });
});
