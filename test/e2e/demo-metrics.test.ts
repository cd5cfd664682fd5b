/**
 * The demo's live metrics over real HTTP: the GitHub emulator runs the deploy workflow as Gantry dispatches it, and the
 * Prometheus emulator answers the demo config's exact check queries from what was deployed where. A `bad-*` release's
 * error rate climbs after its run succeeds; a good release, or the rollback after a bad one, keeps it about 0.3%.
 */
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { createPrometheusSource } from "../../src/metrics-source/prometheus.js";
import type { MetricsSource } from "../../src/metrics-source/port.js";
import { BAD_ERROR_RATE, HEALTHY_ERROR_RATE, scriptDemoMetrics } from "../../sandbox/demo/metrics.js";
import { seedGitHub } from "../../sandbox/demo/world.js";
import { GitHubEmulator } from "../../sandbox/github/emulator.js";
import type { RunRecord } from "../../sandbox/github/types.js";
import { PrometheusEmulator } from "../../sandbox/prometheus/emulator.js";

const config = loadConfig("sandbox/demo/gantry.demo.yml");
const errorRate = (env: string) =>
  `sum(rate(http_requests_total{service="checkout-api",env="${env}",code=~"5.."}[2m])) / sum(rate(http_requests_total{service="checkout-api",env="${env}"}[2m]))`;
const latency = (env: string) =>
  `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="checkout-api",env="${env}"}[5m])))`;

let gh: GitHubEmulator;
let prom: PrometheusEmulator;
let source: MetricsSource;
let queries: string[];

beforeAll(async () => {
  gh = new GitHubEmulator({ token: "t" });
  prom = new PrometheusEmulator();
  await Promise.all([gh.start(), prom.start()]);
  seedGitHub(gh, { queuedMs: 5, runMs: 10 });
  ({ queries } = scriptDemoMetrics(prom, gh, config, { delayMs: 1000, rampMs: 1000 }));
  source = createPrometheusSource({ url: prom.url, retries: 0 });
});
afterAll(async () => {
  await Promise.all([gh.stop(), prom.stop()]);
});

/** Dispatches the deploy workflow as Gantry does, and resolves with the run once it has completed. */
async function deploy(ref: string, environment: string): Promise<RunRecord> {
  const done = (async () => {
    for (;;) {
      const [run] = (await once(gh, "run")) as [RunRecord];
      if (run.status === "completed" && run.inputs.ref === ref && run.inputs.environment === environment) return run;
    }
  })();
  const res = await fetch(`${gh.url}/repos/acme/checkout-api/actions/workflows/deploy.yml/dispatches`, {
    method: "POST",
    headers: { authorization: "token t", "content-type": "application/json" },
    body: JSON.stringify({ ref: "main", inputs: { environment, ref, sha: "main", gantry_deploy_id: ref } }),
  });
  expect(res.status).toBe(204);
  return done;
}

async function value(query: string, at: number): Promise<number> {
  const result = await source.query(query, new Date(at));
  if (result.kind !== "samples") throw new Error(`expected samples, got ${result.kind}`);
  return result.samples[0]!.value;
}

describe("the demo's metrics", () => {
  it("registers every query the demo config's checks send, compareTo sides included", () => {
    expect(queries).toEqual(
      expect.arrayContaining([errorRate("canary"), errorRate("production"), latency("canary"), latency("production")]),
    );
    expect(queries).toHaveLength(4);
  });

  it("keeps a good release healthy, and the canary's p99 within 1.5 times production's", async () => {
    const run = await deploy("main", "canary");
    for (const dt of [0, 1500, 5000]) {
      const rate = await value(errorRate("canary"), run.updatedAt + dt);
      expect(rate).toBeGreaterThan(HEALTHY_ERROR_RATE * 0.7);
      expect(rate).toBeLessThan(HEALTHY_ERROR_RATE * 1.3);
      const ratio =
        (await value(latency("canary"), run.updatedAt + dt)) / (await value(latency("production"), run.updatedAt + dt));
      expect(ratio).toBeLessThan(1.5);
    }
  });

  it("raises a bad release's error rate past 2% shortly after its run succeeds, in that environment only", async () => {
    const run = await deploy("bad-release", "canary");
    expect(await value(errorRate("canary"), run.updatedAt + 500)).toBeLessThan(0.02);
    expect(await value(errorRate("canary"), run.updatedAt + 2500)).toBeCloseTo(BAD_ERROR_RATE, 5);
    expect(await value(errorRate("production"), run.updatedAt + 2500)).toBeLessThan(0.02);
  });

  it("brings the rate down again once a rollback's run puts a good release back", async () => {
    const run = await deploy("v1.4.1", "canary");
    expect(await value(errorRate("canary"), run.updatedAt + 2500)).toBeLessThan(0.02);
  });

  it("refuses queries the demo config does not send, so a config change cannot pass on silence", async () => {
    await expect(source.query('up{job="checkout-api"}', new Date())).rejects.toThrow(/no series for this query/);
    expect(prom.unexpectedCalls()).toHaveLength(1);
    prom.reset();
  });
});
