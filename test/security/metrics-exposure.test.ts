/**
 * Attack: reading /metrics from the internet. It names every service and environment, counts deploys and their
 * outcomes, and Gantry serves it on the same port as Slack's requests, which must be public. It can be put behind a
 * bearer token (GANTRY_METRICS_TOKEN), or moved to a port of its own (GANTRY_METRICS_PORT) that stays inside.
 */
import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startTarget, type Target } from "../support/security-target.js";

let t: Target | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const TOKEN = "metrics-token-0123456789abcdef";
const scrape = (url: string, headers: Record<string, string> = {}) => fetch(`${url}/metrics`, { headers });

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe("/metrics", () => {
  it("an unauthenticated scrape is refused when GANTRY_METRICS_TOKEN is set, and the token's scrape is served", async () => {
    t = await startTarget({ env: { GANTRY_METRICS_TOKEN: TOKEN } });
    const anonymous = await scrape(t.url);
    expect([anonymous.status, anonymous.headers.get("www-authenticate")]).toEqual([
      401,
      'Bearer realm="gantry metrics"',
    ]);
    expect((await anonymous.text()).includes("gantry_")).toBe(false);
    expect((await scrape(t.url, { authorization: "Bearer not-the-token" })).status).toBe(401);
    expect((await scrape(t.url, { authorization: TOKEN })).status).toBe(401);
    const scraped = await scrape(t.url, { authorization: `Bearer ${TOKEN}` });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain("gantry_commands_total");
    // The probes stay open: Kubernetes sends no token.
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
  });

  it("with GANTRY_METRICS_PORT, /metrics is served there and not on the port Slack reaches", async () => {
    const port = await freePort();
    t = await startTarget({ env: { GANTRY_METRICS_PORT: String(port) } });
    expect((await scrape(t.url)).status).toBe(404);
    const inside = await scrape(`http://127.0.0.1:${port}`);
    expect(inside.status).toBe(200);
    expect(await inside.text()).toContain("gantry_commands_total");
    expect((await fetch(`http://127.0.0.1:${port}/slack/events`, { method: "POST", body: "{}" })).status).toBe(404);
  });
});
