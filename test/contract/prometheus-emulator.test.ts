import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PrometheusEmulator } from "../../sandbox/prometheus/index.js";
import { askPrometheus, expectDocumentedAnswer } from "../support/prometheus-api.js";

const NOW = Date.parse("2026-05-04T10:00:00Z");
const T = NOW / 1000;
const ERRORS = 'sum(rate(http_requests_total{service="checkout-api",code=~"5.."}[2m]))';

let prom: PrometheusEmulator;
let base: string;

beforeAll(async () => {
  prom = new PrometheusEmulator({ now: () => new Date(NOW) });
  base = await prom.start();
});

afterEach(() => {
  prom.reset();
  prom.clearQueries();
});

afterAll(async () => {
  await prom.stop();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked against the documented schema, then read loosely
type Any = any;

/** Asks, checks the answer is documented, and returns its body. */
async function ask(
  endpoint: "query" | "query_range",
  params: Record<string, string>,
  method: "GET" | "POST" = "GET",
): Promise<{ status: number; body: Any }> {
  const { status, body } = await askPrometheus(base, endpoint, params, { method });
  expectDocumentedAnswer(status, body);
  return { status, body };
}

describe("instant queries", () => {
  it("answer a vector at `time`, each series' value from its function of time, as [seconds, string]", async () => {
    prom.addSeries(ERRORS, {
      labels: { service: "checkout-api" },
      value: (at) => (at.getTime() >= NOW ? 0.041 : 0.01),
    });
    expect((await ask("query", { query: ERRORS, time: String(T) })).body).toEqual({
      status: "success",
      data: { resultType: "vector", result: [{ metric: { service: "checkout-api" }, value: [T, "0.041"] }] },
    });
    expect((await ask("query", { query: ERRORS, time: "2026-05-04T09:00:00.5Z" })).body.data.result[0].value).toEqual([
      T - 3599.5,
      "0.01",
    ]);
    // Without `time`, the server's clock.
    expect((await ask("query", { query: ERRORS })).body.data.result[0].value[0]).toBe(T);
    expect(prom.unexpectedCalls()).toEqual([]);
  });

  it("read a POST's form body, which wins over the URL, and record it", async () => {
    prom.addScalar("vector(1)", 1);
    const { status, body } = await askPrometheus(
      `${base}`,
      "query",
      { query: "vector(1)", time: String(T) },
      { method: "POST" },
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({ data: { resultType: "scalar", result: [T, "1"] } });
    const response = await fetch(`${base}/api/v1/query?query=unknown&time=1`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ query: "vector(1)", time: String(T) }),
    });
    expect(await response.json()).toMatchObject({ data: { result: [T, "1"] } });
    expect(prom.calls.at(-1)).toMatchObject({
      method: "POST",
      operationId: "query",
      body: { query: "vector(1)", time: String(T) },
      unexpected: false,
    });
    expect(prom.askedQueries().map((q) => q.params.query)).toEqual(["vector(1)", "vector(1)"]);
  });

  it("answer a scalar, a string, and a matrix for a range selector", async () => {
    prom.addScalar("scalar(up)", (at) => at.getTime() / 1e12);
    prom.addQuery('"release"', { type: "string", value: "release" });
    const samples = [0, 15, 30, 45, 60].map((s) => ({ at: NOW - s * 1000, value: s }));
    prom.addQuery("up[45s]", {
      type: "matrix",
      rangeSeconds: 45,
      series: [{ labels: { __name__: "up", job: "api" }, samples }],
    });
    expect((await ask("query", { query: "scalar(up)", time: String(T) })).body.data).toEqual({
      resultType: "scalar",
      result: [T, String(NOW / 1e12)],
    });
    expect((await ask("query", { query: '"release"', time: String(T) })).body.data).toEqual({
      resultType: "string",
      result: [T, "release"],
    });
    expect((await ask("query", { query: "up[45s]", time: String(T) })).body.data).toEqual({
      resultType: "matrix",
      result: [
        {
          metric: { __name__: "up", job: "api" },
          values: [
            [T - 30, "30"],
            [T - 15, "15"],
            [T, "0"],
          ],
        },
      ],
    });
  });

  it("see the newest sample at or before the time, at most five minutes old, and leave out series without one", async () => {
    prom.addSeries(
      "up",
      {
        labels: { job: "a" },
        samples: [
          { at: new Date(NOW - 60_000), value: 1 },
          { at: NOW - 120_000, value: 2 },
        ],
      },
      { labels: { job: "b" }, samples: [{ at: NOW - 300_000, value: 3 }] },
    );
    expect((await ask("query", { query: "up", time: String(T) })).body.data.result).toEqual([
      { metric: { job: "a" }, value: [T, "1"] },
    ]);
    expect((await ask("query", { query: "up", time: String(T - 90) })).body.data.result).toEqual([
      { metric: { job: "a" }, value: [T - 90, "2"] },
      { metric: { job: "b" }, value: [T - 90, "3"] },
    ]);
    expect((await ask("query", { query: "up", time: String(T - 600) })).body.data.result).toEqual([]);
  });

  it("write values as Prometheus does: plain decimals, NaN and ±Inf", async () => {
    const values = [1e-7, 1.5e21, -0, NaN, Infinity, -Infinity, 0.1 + 0.2, 42];
    prom.addSeries("values", ...values.map((value, i) => ({ labels: { i: String(i) }, value })));
    const result = (await ask("query", { query: "values", time: String(T) })).body.data.result;
    expect(result.map((s: { value: [number, string] }) => s.value[1])).toEqual([
      "0.0000001",
      "1500000000000000000000",
      "-0",
      "NaN",
      "+Inf",
      "-Inf",
      "0.30000000000000004",
      "42",
    ]);
  });

  it("carry warnings and infos with the data", async () => {
    prom.addQuery("rate(up[1m])", {
      series: [],
      warnings: ["remote read failed: store-2"],
      infos: ['PromQL info: metric might not be a counter: "up"'],
    });
    expect((await ask("query", { query: "rate(up[1m])" })).body).toEqual({
      status: "success",
      data: { resultType: "vector", result: [] },
      warnings: ["remote read failed: store-2"],
      infos: ['PromQL info: metric might not be a counter: "up"'],
    });
  });
});

describe("range queries", () => {
  it("evaluate every step from start to end, keep the points a series has, and leave out series with none", async () => {
    prom.addSeries(
      ERRORS,
      {
        labels: { env: "canary" },
        value: (at) => (at.getTime() < NOW - 20_000 ? undefined : (NOW - at.getTime()) / 1000),
      },
      { labels: { env: "gone" }, value: () => undefined },
    );
    const { body } = await ask(
      "query_range",
      { query: ERRORS, start: String(T - 60), end: String(T), step: "15s" },
      "POST",
    );
    expect(body.data).toEqual({
      resultType: "matrix",
      result: [
        {
          metric: { env: "canary" },
          values: [
            [T - 15, "15"],
            [T, "0"],
          ],
        },
      ],
    });
  });

  it("answer a scalar as one series without labels", async () => {
    prom.addScalar("vector(1)", 1);
    const { body } = await ask("query_range", { query: "vector(1)", start: String(T), end: String(T + 10), step: "5" });
    expect(body.data).toEqual({
      resultType: "matrix",
      result: [
        {
          metric: {},
          values: [
            [T, "1"],
            [T + 5, "1"],
            [T + 10, "1"],
          ],
        },
      ],
    });
  });
});

describe("refusals, in Prometheus's words", () => {
  it.each([
    ["query", {}, 'invalid parameter "query": 1:1: parse error: no expression found in input'],
    [
      "query",
      { query: "up", time: "abc" },
      `invalid parameter "time": Invalid time value for 'time': cannot parse "abc" to a valid timestamp`,
    ],
    ["query", { query: "up", timeout: "abc" }, 'invalid parameter "timeout": cannot parse "abc" to a valid duration'],
    [
      "query_range",
      { query: "up", end: "1", step: "1" },
      'invalid parameter "start": cannot parse "" to a valid timestamp',
    ],
    [
      "query_range",
      { query: "up", start: "10", end: "5", step: "1" },
      'invalid parameter "end": end timestamp must not be before start time',
    ],
    [
      "query_range",
      { query: "up", start: "0", end: "5" },
      'invalid parameter "step": cannot parse "" to a valid duration',
    ],
    [
      "query_range",
      { query: "up", start: "0", end: "5", step: "0" },
      'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
    ],
    [
      "query_range",
      { query: "up", start: "0", end: "20000", step: "1" },
      "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)",
    ],
  ] as const)("%s %j: 400 bad_data", async (endpoint, params, error) => {
    prom.addSeries("up", { value: 1 });
    expect(await ask(endpoint, params)).toEqual({
      status: 400,
      body: { status: "error", errorType: "bad_data", error },
    });
    expect(prom.unexpectedCalls()).toEqual([]);
  });

  it("refuse strings and range selectors in range queries", async () => {
    prom.addQuery('"x"', { type: "string", value: "x" });
    prom.addQuery("up[1m]", { type: "matrix", rangeSeconds: 60, series: [] });
    const params = { start: "0", end: "10", step: "5" };
    expect((await ask("query_range", { ...params, query: '"x"' })).body.error).toBe(
      'invalid expression type "string" for range query, must be Scalar or instant Vector',
    );
    expect((await ask("query_range", { ...params, query: "up[1m]" })).body.error).toBe(
      'invalid expression type "range vector" for range query, must be Scalar or instant Vector',
    );
  });

  it("answer a registered execution error or timeout as given", async () => {
    prom.addQuery("a + on() b", {
      type: "error",
      status: 422,
      errorType: "execution",
      error: "found duplicate series for the match group {} on the right hand-side of the operation",
    });
    prom.addQuery("slow", {
      type: "error",
      status: 503,
      errorType: "timeout",
      error: "query timed out in expression evaluation",
    });
    expect(await ask("query", { query: "a + on() b" })).toMatchObject({
      status: 422,
      body: { errorType: "execution" },
    });
    expect(await ask("query_range", { query: "slow", start: "0", end: "1", step: "1" })).toMatchObject({
      status: 503,
      body: { errorType: "timeout" },
    });
  });

  it("refuse a query nobody registered with 400 bad_data, recorded as unexpected so the test fails on it", async () => {
    const { status, body } = await ask("query", { query: 'up{job="typo"}' });
    expect(status).toBe(400);
    expect(body).toEqual({
      status: "error",
      errorType: "bad_data",
      error: expect.stringContaining('no series for this query; register it first: up{job="typo"}'),
    });
    expect(prom.unexpectedCalls()).toMatchObject([{ operationId: "query", status: 400, unexpected: true }]);
  });

  it("answer paths outside the query API as Go's 404, unexpected", async () => {
    const response = await fetch(`${base}/api/v1/series?match[]=up`);
    expect([response.status, await response.text()]).toEqual([404, "404 page not found\n"]);
    expect(prom.unexpectedCalls()).toHaveLength(1);
  });
});

describe("auth, faults and outages", () => {
  it("checks a bearer token or Basic credentials when configured, answering 401 in text with a challenge", async () => {
    const locked = new PrometheusEmulator({
      bearerToken: "glc_secret",
      basicAuth: { username: "12345", password: "pw" },
    });
    const url = await locked.start();
    locked.addSeries("up", { value: 1 });
    try {
      const denied = await askPrometheus(url, "query", { query: "up" }, { authorization: "Bearer wrong" });
      expect([denied.status, denied.body, denied.headers.get("www-authenticate")]).toEqual([
        401,
        "Unauthorized\n",
        "Basic",
      ]);
      expect((await askPrometheus(url, "query", { query: "up" })).status).toBe(401);
      expect((await askPrometheus(url, "query", { query: "up" }, { authorization: "Bearer glc_secret" })).status).toBe(
        200,
      );
      const basic = `Basic ${Buffer.from("12345:pw").toString("base64")}`;
      expect(
        (await askPrometheus(url, "query", { query: "up" }, { authorization: basic, method: "POST" })).status,
      ).toBe(200);
    } finally {
      await locked.stop();
    }
  });

  it("injects statuses with Prometheus's error body, drops connections, and goes down", async () => {
    prom.addSeries("up", { value: 1 });
    prom.faults.add({ path: "/api/v1/query", status: 503 });
    prom.faults.add({
      path: "/api/v1/query",
      status: 422,
      body: { status: "error", errorType: "execution", error: "boom" },
    });
    prom.faults.add({ path: "/api/v1/query", drop: true });
    expect(await ask("query", { query: "up" })).toEqual({
      status: 503,
      body: { status: "error", errorType: "unavailable", error: "Service Unavailable" },
    });
    expect((await ask("query", { query: "up" })).body.error).toBe("boom");
    await expect(fetch(`${base}/api/v1/query?query=up`)).rejects.toThrow();
    expect((await ask("query", { query: "up" })).status).toBe(200);
    prom.down = true;
    const down = await askPrometheus(base, "query", { query: "up" });
    expect([down.status, down.body]).toEqual([503, "Service Unavailable\n"]);
    expect(prom.calls.map((c) => [c.status, c.fault])).toEqual([
      [503, true],
      [422, true],
      [0, true],
      [200, false],
      [503, true],
    ]);
    expect(prom.askedQueries().map((q) => q.status)).toEqual([503, 422, 0, 200, 503]);
  });

  it("holds a request for an injected delay, then answers it", async () => {
    prom.addSeries("up", { value: 1 });
    prom.faults.add({ path: "/api/v1/query", delayMs: 50 });
    expect((await ask("query", { query: "up" })).status).toBe(200);
    expect(prom.faults.pending()).toEqual([]);
  });
});
