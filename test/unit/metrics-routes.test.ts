import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createMetrics } from "../../src/metrics/registry.js";
import { opsRoutes, readiness, type Readiness } from "../../src/metrics/routes.js";

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A server that tries the ops routes first and answers 404 ("bolt") for anything they leave. */
async function serve(ready: () => Promise<Readiness>) {
  const metrics = createMetrics({ defaultMetrics: false });
  const ops = opsRoutes({ metrics, ready });
  server = createServer((req, res) => {
    if (ops(req, res)) return;
    res.writeHead(404).end("bolt");
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { metrics, url };
}

describe("opsRoutes", () => {
  it("serves the exposition on GET /metrics with Prometheus' content type", async () => {
    const { metrics, url } = await serve(async () => ({ ok: true, checks: {} }));
    metrics.deployEnded({
      service: "checkout-api",
      environment: "staging",
      kind: "deploy",
      state: "succeeded",
      createdAt: "2026-01-05T10:00:00.000Z",
      finishedAt: "2026-01-05T10:00:30.000Z",
    } as Parameters<typeof metrics.deployEnded>[0]);
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const body = await res.text();
    expect(body).toContain(
      'gantry_deploys_total{service="checkout-api",environment="staging",kind="deploy",outcome="succeeded"} 1',
    );
    expect(body).toContain("# HELP gantry_pending_approvals ");
  });

  it("answers /healthz with 200 whatever readiness says, and leaves other paths alone", async () => {
    const { url } = await serve(async () => ({ ok: false, checks: { running: false } }));
    const health = await fetch(`${url}/healthz?probe=1`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    const other = await fetch(`${url}/slack/events`, { method: "POST", body: "{}" });
    expect(other.status).toBe(404);
    expect(await other.text()).toBe("bolt");
    expect((await fetch(`${url}/metrics`, { method: "POST" })).status).toBe(405);
    expect((await fetch(`${url}/metrics`, { method: "HEAD" })).status).toBe(200);
  });

  it("answers /readyz 200 when ready, 503 with the checks when not, and 503 when the check throws", async () => {
    let answer: Readiness | Error = { ok: true, checks: { running: true, database: true, slack: true } };
    const { url } = await serve(async () => {
      if (answer instanceof Error) throw answer;
      return answer;
    });
    let res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, checks: { running: true, database: true, slack: true } });

    answer = { ok: false, checks: { running: true, database: false, slack: true } };
    res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual(answer);

    answer = new Error("boom");
    res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ok: false, checks: {} });
  });
});

describe("readiness", () => {
  function deps(over: Partial<Parameters<typeof readiness>[0]> = {}) {
    const calls = { db: 0, slack: 0 };
    let t = 0;
    const d = {
      databaseWrite: async () => {
        calls.db++;
      },
      slackAuthTest: async () => {
        calls.slack++;
        return true;
      },
      shuttingDown: () => false,
      now: () => t,
      ...over,
    };
    return { ready: readiness(d), calls, tick: (ms: number) => (t += ms) };
  }

  it("is ready when running, the database takes a write and Slack accepted the token", async () => {
    const { ready } = deps();
    expect(await ready()).toEqual({ ok: true, checks: { running: true, database: true, slack: true } });
  });

  it("is not ready during shutdown, and does not touch the (closing) database then", async () => {
    let stopping = false;
    const { ready, calls } = deps({ shuttingDown: () => stopping });
    expect((await ready()).ok).toBe(true);
    stopping = true;
    expect(await ready()).toEqual({ ok: false, checks: { running: false } });
    expect(calls.db).toBe(1);
  });

  it("is not ready when the database write throws or hangs", async () => {
    const { ready } = deps({ databaseWrite: async () => Promise.reject(new Error("SQLITE_READONLY")) });
    expect(await ready()).toEqual({ ok: false, checks: { running: true, database: false, slack: true } });
    const hung = deps({ databaseWrite: () => new Promise(() => {}), probeTimeoutMs: 20 });
    expect((await hung.ready()).checks.database).toBe(false);
  });

  it("trusts a successful auth.test for 60 s, but asks again at once after a failure", async () => {
    let slackOk = true;
    const { ready, calls, tick } = deps({
      slackAuthTest: async () => {
        calls.slack++;
        return slackOk;
      },
    });
    await ready();
    tick(59_000);
    await ready();
    expect(calls.slack).toBe(1);
    tick(1_000);
    slackOk = false;
    expect(await ready()).toEqual({ ok: false, checks: { running: true, database: true, slack: false } });
    expect(calls.slack).toBe(2);
    slackOk = true;
    expect((await ready()).ok).toBe(true);
    expect(calls.slack).toBe(3);
  });

  it("counts a throwing auth.test as not ready, and shares one auth.test among concurrent probes", async () => {
    let release: (ok: boolean) => void = () => {};
    let n = 0;
    const { ready } = deps({
      slackAuthTest: () => {
        n++;
        return new Promise<boolean>((resolve) => (release = resolve));
      },
    });
    const both = Promise.all([ready(), ready()]);
    await new Promise((r) => setImmediate(r));
    release(true);
    expect((await both).map((r) => r.ok)).toEqual([true, true]);
    expect(n).toBe(1);

    const failing = deps({ slackAuthTest: async () => Promise.reject(new Error("invalid_auth")) });
    expect((await failing.ready()).checks.slack).toBe(false);
  });
});
