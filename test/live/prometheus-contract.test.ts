/* eslint-disable @typescript-eslint/no-explicit-any -- answers are checked against the documented schema, then read loosely */
/**
 * The emulator against a real Prometheus: the same requests, raw and through Gantry's adapter, to both; the answers
 * must have the same shapes (result types, value formats, labels, error shapes and words) and the adapter must read
 * them the same. Prometheus scrapes prom-client metrics this test serves and moves.
 */
import { createServer, type Server } from "node:http";
import { Counter, Gauge, Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isGantryError } from "../../src/errors.js";
import type { MetricsSource } from "../../src/metrics-source/port.js";
import { createPrometheusSource } from "../../src/metrics-source/prometheus.js";
import { PrometheusEmulator } from "../../sandbox/prometheus/index.js";
import { askPrometheus, expectDocumentedAnswer, shapeOf } from "../support/prometheus-api.js";
import { pollUntil, startPrometheus, type RealPrometheus } from "../support/prometheus-server.js";

const JOB = "gantry-live";
const USER = "gantry";
const PASSWORD = "live-secret";
/** bcrypt of PASSWORD (htpasswd -nbBC 10), as Prometheus's web config takes it. */
const HASH = "$2y$10$OCQPS9VvQytsVSQP1ePRj.XALL/Z3IzEW1TgcDkT8V3yIPJ2nSELK";
const AUTH = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}`;

const DEPTH = `gantry_live_queue_depth{job="${JOB}"}`;
const REQUESTS = `gantry_live_requests_total{job="${JOB}"}`;
const Q = {
  depth: DEPTH,
  requests: REQUESTS,
  sum: `sum(${REQUESTS})`,
  scalar: `scalar(sum(${REQUESTS}))`,
  nan: "0 / 0",
  inf: "1 / 0",
  absent: `gantry_live_absent_metric{job="${JOB}"}`,
  string: '"gantry"',
  rangeSelector: `${DEPTH}[10s]`,
  parseError: `sum(${REQUESTS}`,
  manyToMany: `${REQUESTS} + on() group_left ${REQUESTS}`,
};

const registry = new Registry();
const requests = new Counter({
  name: "gantry_live_requests_total",
  help: "Requests by code",
  labelNames: ["code"],
  registers: [registry],
});
const depth = new Gauge({ name: "gantry_live_queue_depth", help: "Queue depth", registers: [registry] });

let target: Server;
let instance: string;
let real: RealPrometheus;
let emulator: PrometheusEmulator;
let sources: { real: MetricsSource; emulator: MetricsSource };
let bases: { real: string; emulator: string };
let at: Date;

const labels = (name: string, extra: Record<string, string> = {}) => ({ __name__: name, instance, job: JOB, ...extra });

function source(url: string, password = PASSWORD): MetricsSource {
  return createPrometheusSource({
    url,
    auth: { kind: "basic", username: USER, password },
    retries: 0,
    timeoutMs: 10_000,
  });
}

beforeAll(async () => {
  target = createServer((_req, res) => {
    void registry.metrics().then((text) => res.writeHead(200, { "content-type": registry.contentType }).end(text));
  });
  await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
  instance = `127.0.0.1:${(target.address() as { port: number }).port}`;
  requests.inc({ code: "200" }, 5);
  requests.inc({ code: "500" }, 1);
  depth.set(7);
  real = await startPrometheus({
    targets: [instance],
    job: JOB,
    basicAuth: { username: USER, password: PASSWORD, bcryptHash: HASH },
  });
  emulator = new PrometheusEmulator({ basicAuth: { username: USER, password: PASSWORD } });
  bases = { real: real.url, emulator: await emulator.start() };
  sources = { real: source(real.url), emulator: source(bases.emulator) };
  // The moved values have been scraped once the sum reads 6; `at` is a time at which both series hold them.
  await pollUntil(
    () => sources.real.query(Q.sum, new Date()),
    (r) => r.kind === "samples" && r.samples[0]?.value === 6,
    "the first scrape",
  );
  const seen = await pollUntil(
    () => sources.real.query(Q.depth, new Date()),
    (r) => r.kind === "samples" && r.samples[0]?.value === 7,
    "the queue depth",
  );
  expect(seen.kind).toBe("samples");
  at = new Date(Date.now() - 1);
  emulator.addSeries(Q.depth, { labels: labels("gantry_live_queue_depth"), value: 7 });
  emulator.addSeries(
    Q.requests,
    { labels: labels("gantry_live_requests_total", { code: "200" }), value: 5 },
    { labels: labels("gantry_live_requests_total", { code: "500" }), value: 1 },
  );
  emulator.addSeries(Q.sum, { value: 6 });
  emulator.addScalar(Q.scalar, 6);
  emulator.addScalar(Q.nan, NaN);
  emulator.addScalar(Q.inf, Infinity);
  emulator.addSeries(Q.absent);
  emulator.addQuery(Q.string, { type: "string", value: "gantry" });
  emulator.addQuery(Q.rangeSelector, {
    type: "matrix",
    rangeSeconds: 10,
    series: [{ labels: labels("gantry_live_queue_depth"), samples: [{ at: at.getTime() - 1000, value: 7 }] }],
  });
  emulator.addQuery(Q.manyToMany, {
    type: "error",
    status: 422,
    errorType: "execution",
    error:
      "found duplicate series for the match group {} on the right hand-side of the operation: [...];many-to-many matching not allowed: matching labels must be unique on one side",
  });
}, 90_000);

afterAll(async () => {
  await emulator?.stop();
  await real?.stop();
  await new Promise<void>((resolve) => (target ? target.close(() => resolve()) : resolve()));
});

/** The same raw request to both; each answer documented, both of one shape. */
async function rawBoth(
  endpoint: "query" | "query_range",
  params: Record<string, string>,
  method: "GET" | "POST" = "POST",
) {
  const [r, e] = await Promise.all([
    askPrometheus(bases.real, endpoint, params, { method, authorization: AUTH }),
    askPrometheus(bases.emulator, endpoint, params, { method, authorization: AUTH }),
  ]);
  expectDocumentedAnswer(r.status, r.body);
  expectDocumentedAnswer(e.status, e.body);
  expect({ status: e.status, contentType: e.contentType, shape: shapeOf(e.body) }).toEqual({
    status: r.status,
    contentType: r.contentType,
    shape: shapeOf(r.body),
  });
  return { real: r.body as Record<string, any>, emulator: e.body as Record<string, any> };
}

/** The adapter's reading of both; errors compared by code and details. */
async function adapterBoth(read: (s: MetricsSource) => Promise<unknown>) {
  const settle = (p: Promise<unknown>) =>
    p.then(
      (value) => ({ value }),
      (err: unknown) => ({ error: isGantryError(err) ? { code: err.code, details: err.details } : String(err) }),
    );
  const [r, e] = await Promise.all([settle(read(sources.real)), settle(read(sources.emulator))]);
  expect(e).toEqual(r);
  return r;
}

const sortSamples = (r: any) =>
  r.kind === "samples"
    ? { ...r, samples: [...r.samples].sort((a: any, b: any) => a.labels.code.localeCompare(b.labels.code)) }
    : r;

describe("instant queries, real Prometheus and the emulator", () => {
  it.each([["depth"], ["requests"], ["sum"], ["scalar"], ["absent"]] as const)(
    "%s: same shape, same values through the adapter",
    async (name) => {
      const time = String(at.getTime() / 1000);
      await rawBoth("query", { query: Q[name], time });
      await rawBoth("query", { query: Q[name], time }, "GET");
      const [r, e] = await Promise.all([sources.real.query(Q[name], at), sources.emulator.query(Q[name], at)]);
      expect(sortSamples(e)).toEqual(sortSamples(r));
    },
  );

  it("spell NaN and +Inf alike", async () => {
    for (const query of [Q.nan, Q.inf]) {
      const { real: r, emulator: e } = await rawBoth("query", { query, time: String(at.getTime() / 1000) });
      expect(e.data.result).toEqual(r.data.result);
    }
  });

  it("answer strings and range selectors alike, which the adapter refuses alike", async () => {
    const { real: r } = await rawBoth("query", { query: Q.rangeSelector, time: String(at.getTime() / 1000) });
    expect(r.data.resultType).toBe("matrix");
    await rawBoth("query", { query: Q.string, time: String(at.getTime() / 1000) });
    expect(await adapterBoth((s) => s.query(Q.string, at))).toMatchObject({
      error: { code: "metrics_error", details: { failure: "bad_query" } },
    });
    await adapterBoth((s) => s.query(Q.rangeSelector, at));
  });
});

describe("range queries", () => {
  it("answer a matrix of the same steps and values, and a scalar as one series without labels", async () => {
    const start = new Date(at.getTime() - 0);
    const end = new Date(Math.max(Date.now() - 1, at.getTime()));
    const params = {
      query: Q.depth,
      start: String(start.getTime() / 1000),
      end: String(end.getTime() / 1000),
      step: "0.5",
    };
    const { real: r, emulator: e } = await rawBoth("query_range", params);
    expect(e.data.result).toEqual(r.data.result);
    await rawBoth("query_range", { ...params, query: Q.scalar });
    expect(await adapterBoth((s) => s.queryRange(Q.sum, start, end, 0.5))).toMatchObject({ value: { kind: "series" } });
    expect(await adapterBoth((s) => s.queryRange(Q.absent, start, end, 0.5))).toEqual({
      value: { kind: "none", warnings: [] },
    });
  });
});

describe("errors", () => {
  it("refuse a query that cannot run (a parse error there, an unregistered query here) with 400 bad_data", async () => {
    await rawBoth("query", { query: Q.parseError });
    expect(await adapterBoth((s) => s.query(Q.parseError, at))).toEqual({
      error: {
        code: "metrics_error",
        details: { failure: "bad_query", status: 400, errorType: "bad_data", attempts: 1 },
      },
    });
    expect(emulator.unexpectedCalls().map((c) => c.status)).toEqual([400, 400]);
    emulator.reset();
  });

  it("answer an execution error with 422", async () => {
    await rawBoth("query", { query: Q.manyToMany, time: String(at.getTime() / 1000) });
    expect(await adapterBoth((s) => s.query(Q.manyToMany, at))).toMatchObject({
      error: { details: { failure: "bad_query", status: 422, errorType: "execution" } },
    });
  });

  it.each([
    ["end before start", { query: Q.depth, start: "20", end: "10", step: "1" }],
    ["a zero step", { query: Q.depth, start: "10", end: "20", step: "0" }],
    ["no step", { query: Q.depth, start: "10", end: "20" }],
    ["too many points", { query: Q.depth, start: "0", end: "20000", step: "1" }],
  ])("refuse %s in the same words", async (_, params) => {
    const { real: r, emulator: e } = await rawBoth("query_range", params);
    expect(e).toEqual(r);
  });

  it("refuse a bad time and a bad timeout in the same words", async () => {
    for (const params of [
      { query: Q.depth, time: "yesterday" },
      { query: Q.depth, timeout: "soon" },
    ] as Record<string, string>[]) {
      const { real: r, emulator: e } = await rawBoth("query", params, "GET");
      expect(e).toEqual(r);
    }
  });

  it("refuse missing or wrong credentials with 401 in text and a Basic challenge; the adapter reads both as unauthorized", async () => {
    const asks = await Promise.all(
      [bases.real, bases.emulator].map((b) => askPrometheus(b, "query", { query: Q.depth })),
    );
    const [r, e] = asks.map((a) => ({
      status: a.status,
      contentType: a.contentType,
      body: a.body,
      challenge: a.headers.get("www-authenticate"),
    }));
    expect(r).toMatchObject({ status: 401, body: "Unauthorized\n" });
    expect(e).toEqual(r);
    const [wr, we] = await Promise.all([
      source(real.url, "wrong")
        .query(Q.depth, at)
        .catch((err: unknown) => err),
      source(bases.emulator, "wrong")
        .query(Q.depth, at)
        .catch((err: unknown) => err),
    ]);
    expect((we as { details: unknown }).details).toEqual((wr as { details: unknown }).details);
  });
});
