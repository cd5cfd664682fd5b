import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { isGantryError } from "../../src/errors.js";
import type { MetricsErrorDetails, MetricsSource } from "../../src/metrics-source/port.js";
import { createPrometheusSource, type PrometheusSourceOptions } from "../../src/metrics-source/prometheus.js";
import { PrometheusEmulator } from "../../sandbox/prometheus/index.js";
import { freePort } from "../support/prometheus-server.js";

const NOW = Date.parse("2026-05-04T10:00:00Z");
const AT = new Date(NOW);
const TOKEN = "glc_prometheus_token";

let prom: PrometheusEmulator;
let url: string;
let source: MetricsSource;
let attempts: string[] = [];

function sourceWith(opts: Partial<PrometheusSourceOptions> = {}): MetricsSource {
  return createPrometheusSource({
    url,
    auth: { kind: "bearer", token: TOKEN },
    retryBaseMs: 1,
    timeoutMs: 2000,
    onRequest: (status) => attempts.push(status),
    ...opts,
  });
}

async function failure(promise: Promise<unknown>): Promise<{ message: string; details: MetricsErrorDetails }> {
  try {
    await promise;
  } catch (err) {
    expect(isGantryError(err, "metrics_error"), String(err)).toBe(true);
    return { message: (err as Error).message, details: (err as { details: MetricsErrorDetails }).details };
  }
  throw new Error("expected the call to fail");
}

beforeAll(async () => {
  prom = new PrometheusEmulator({
    bearerToken: TOKEN,
    basicAuth: { username: "12345", password: "pw" },
    now: () => AT,
  });
  url = await prom.start();
  source = sourceWith();
});

afterEach(() => {
  expect(prom.unexpectedCalls()).toEqual([]);
  prom.reset();
  prom.clearQueries();
  attempts = [];
});

afterAll(async () => {
  await prom.stop();
});

describe("the Prometheus source against the emulator", () => {
  it("reads an instant vector as labelled numbers, NaN and ±Inf included, with the warnings", async () => {
    prom.addQuery("errors", {
      series: [
        { labels: { env: "canary" }, value: 0.041 },
        { labels: { env: "a" }, value: NaN },
        { labels: { env: "b" }, value: -Infinity },
      ],
      warnings: ["partial"],
    });
    expect(await source.query("errors", AT)).toEqual({
      kind: "samples",
      samples: [
        { labels: { env: "canary" }, value: 0.041 },
        { labels: { env: "a" }, value: NaN },
        { labels: { env: "b" }, value: -Infinity },
      ],
      warnings: ["partial"],
    });
    expect(prom.calls[0]).toMatchObject({
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
      body: { query: "errors", time: String(NOW / 1000) + ".000", timeout: "2.000" },
    });
  });

  it("reads a scalar, and an empty vector as no data", async () => {
    prom.addScalar("scalar(x)", 2.5);
    prom.addSeries("absent_metric");
    expect(await source.query("scalar(x)", AT)).toEqual({ kind: "scalar", value: 2.5, warnings: [] });
    expect(await source.query("absent_metric", AT)).toEqual({ kind: "none", warnings: [] });
  });

  it("reads a range as series of dated points, a scalar as one series without labels, and nothing as no data", async () => {
    prom.addSeries("latency", { labels: { le: "0.5" }, value: (at) => at.getTime() / 1e13 });
    prom.addScalar("vector(1)", 1);
    prom.addSeries("absent_metric");
    const start = new Date(NOW - 60_000);
    expect(await source.queryRange("latency", start, AT, 30)).toEqual({
      kind: "series",
      series: [
        {
          labels: { le: "0.5" },
          points: [0, 30_000, 60_000].map((d) => ({
            at: new Date(NOW - 60_000 + d),
            value: (NOW - 60_000 + d) / 1e13,
          })),
        },
      ],
      warnings: [],
    });
    expect(await source.queryRange("vector(1)", start, AT, 60)).toMatchObject({
      kind: "series",
      series: [{ labels: {}, points: [{ value: 1 }, { value: 1 }] }],
    });
    expect(await source.queryRange("absent_metric", start, AT, 60)).toEqual({ kind: "none", warnings: [] });
    expect(prom.calls[0]?.body).toMatchObject({ start: "1777888740.000", end: "1777888800.000", step: "30" });
  });

  it("refuses range vectors and strings from an instant query, saying how to fix the query", async () => {
    prom.addQuery("up[5m]", { type: "matrix", rangeSeconds: 300, series: [{ samples: [{ at: NOW, value: 1 }] }] });
    prom.addQuery('"x"', { type: "string", value: "x" });
    expect((await failure(source.query("up[5m]", AT))).message).toBe(
      "Prometheus answered a range vector: a check needs one number per series, so wrap the selector, such as max_over_time(x[5m])",
    );
    expect((await failure(source.query('"x"', AT))).details).toEqual({ failure: "bad_query", attempts: 1 });
  });
});

describe("auth", () => {
  it("sends basic auth when configured that way", async () => {
    prom.addScalar("vector(1)", 1);
    await sourceWith({ auth: { kind: "basic", username: "12345", password: "pw" } }).query("vector(1)", AT);
    expect(prom.calls[0]?.headers.authorization).toBe(`Basic ${Buffer.from("12345:pw").toString("base64")}`);
  });

  it("does not retry refused credentials, and names the variables to check without showing them", async () => {
    prom.addScalar("vector(1)", 1);
    const { message, details } = await failure(
      sourceWith({ auth: { kind: "bearer", token: "wrong-secret" } }).query("vector(1)", AT),
    );
    expect(message).toBe(
      "Prometheus refused Gantry's credentials (401): check PROMETHEUS_TOKEN, or PROMETHEUS_USERNAME and PROMETHEUS_PASSWORD",
    );
    expect(details).toEqual({ failure: "unauthorized", status: 401, attempts: 1 });
    expect(prom.calls).toHaveLength(1);
  });
});

describe("failures and retries", () => {
  it("retries 5xx, 429 (after its Retry-After) and dropped connections, then answers", async () => {
    prom.addScalar("vector(1)", 1);
    prom.faults.add({ path: "/api/v1/query", status: 503 });
    prom.faults.add({ path: "/api/v1/query", status: 429, headers: { "retry-after": "0" } });
    expect(await sourceWith({ retries: 3 }).query("vector(1)", AT)).toMatchObject({ kind: "scalar", value: 1 });
    prom.faults.add({ path: "/api/v1/query", drop: true });
    expect(await source.query("vector(1)", AT)).toMatchObject({ kind: "scalar" });
    expect(attempts).toEqual(["503", "429", "200", "network", "200"]);
  });

  it("gives up after the bounded retries, with the last answer's words and the attempt count", async () => {
    prom.addScalar("vector(1)", 1);
    prom.down = true;
    const { message, details } = await failure(source.query("vector(1)", AT));
    expect(message).toBe("Prometheus answered 503: Service Unavailable (3 attempts)");
    expect(details).toEqual({ failure: "unavailable", status: 503, attempts: 3 });
    prom.down = false;
    prom.faults.add({ path: "/api/v1/query_range", status: 503, times: Infinity });
    expect((await failure(source.queryRange("vector(1)", AT, AT, 1))).message).toBe(
      "Prometheus answered 503: unavailable: Service Unavailable (3 attempts)",
    );
  });

  it("aborts a request at its deadline and retries it", async () => {
    prom.addScalar("vector(1)", 1);
    prom.faults.add({ path: "/api/v1/query", delayMs: 5000, times: 2 });
    const { message, details } = await failure(sourceWith({ timeoutMs: 100, retries: 1 }).query("vector(1)", AT));
    expect([message, details]).toEqual([
      "Prometheus did not answer within 100 ms (2 attempts)",
      { failure: "timeout", attempts: 2 },
    ]);
    expect(attempts).toEqual(["network", "network"]);
  });

  it("does not retry a query Prometheus refuses, and reports its errorType and words", async () => {
    prom.addQuery("a + on() b", {
      type: "error",
      status: 422,
      errorType: "execution",
      error: "found duplicate series for the match group {}",
    });
    const { message, details } = await failure(source.query("a + on() b", AT));
    expect(message).toBe("Prometheus refused the query (execution: found duplicate series for the match group {})");
    expect(details).toEqual({ failure: "bad_query", status: 422, errorType: "execution", attempts: 1 });
    const unknown = await failure(source.query("never_registered", AT));
    expect(unknown.details).toMatchObject({ failure: "bad_query", errorType: "bad_data", attempts: 1 });
    expect(prom.unexpectedCalls()).toHaveLength(1);
    prom.reset();
  });

  it("refuses answers that are not the query API's", async () => {
    prom.faults.add({ path: "/api/v1/query", status: 200, body: "<html><body>Sign in</body></html>" });
    prom.faults.add({
      path: "/api/v1/query",
      status: 200,
      body: { status: "success", data: { resultType: "vector", result: [{ metric: {}, value: [1, "lots"] }] } },
    });
    expect((await failure(source.query("x", AT))).message).toBe(
      "Prometheus answered something that is not JSON: Sign in",
    );
    expect((await failure(source.query("x", AT))).message).toBe(
      'Prometheus answered in a shape that is not its query API\'s at data.result.0.value.1: not a sample value: "lots"',
    );
  });

  it("says which variable to check for a wrong URL or a server that is not there", async () => {
    const wrongPath = await failure(sourceWith({ url: `${url}/prometheus/` }).query("x", AT));
    expect(wrongPath).toEqual({
      message: `Prometheus answered 404 at ${url}/prometheus: check PROMETHEUS_URL (the API's base URL, without /api/v1)`,
      details: { failure: "http", status: 404, attempts: 1 },
    });
    prom.reset();
    const closed = await freePort();
    const unreachable = await failure(sourceWith({ url: `http://127.0.0.1:${closed}`, retries: 1 }).query("x", AT));
    expect(unreachable).toEqual({
      message: `Prometheus could not be reached at http://127.0.0.1:${closed}: ECONNREFUSED (2 attempts)`,
      details: { failure: "unreachable", attempts: 2 },
    });
  });
});
