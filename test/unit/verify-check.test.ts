import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  baselineOf,
  baselineWindow,
  evaluateCheck,
  inferUnit,
  valueAndLimit,
  type CheckSpec,
  type Reading,
  type Threshold,
} from "../../src/domain/verify/index.js";

const spec = (threshold: Threshold, name = "error rate"): CheckSpec => ({ name, query: "q", threshold });
const samples = (...values: number[]): Reading => ({
  kind: "samples",
  samples: values.map((value, i) => ({ labels: { pod: `p${i}` }, value })),
});

const value = fc.oneof(
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  fc.constant(NaN),
  fc.constantFrom(Infinity, -Infinity),
);
const values = fc.array(value, { maxLength: 6 });
const finiteLimit = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });

describe("evaluateCheck", () => {
  it("words a breach with the worst series, its labels and the limit", () => {
    expect(evaluateCheck(spec({ kind: "max", max: 0.02 }), { current: samples(0.01, 0.041, NaN) })).toEqual({
      status: "breach",
      check: "error rate",
      value: 0.041,
      limit: 0.02,
      bound: "upper",
      labels: { pod: "p1" },
      threshold: { kind: "max", max: 0.02 },
      unit: "percent",
    });
    expect(evaluateCheck(spec({ kind: "min", min: 10 }), { current: { kind: "scalar", value: 12 } })).toMatchObject({
      status: "ok",
      value: 12,
      limit: 10,
      bound: "lower",
      labels: {},
    });
    expect(evaluateCheck(spec({ kind: "max", max: 1 }), { current: samples(1) }).status).toBe("ok");
  });

  it("compares with the baseline for maxIncrease and with the other environment for maxRatio", () => {
    expect(
      evaluateCheck(spec({ kind: "maxIncrease", maxIncrease: 0.2 }), { current: samples(0.13), baseline: 0.1 }),
    ).toMatchObject({ status: "breach", baseline: 0.1, limit: 0.12000000000000001 });
    expect(
      evaluateCheck(spec({ kind: "maxIncrease", maxIncrease: 0.2 }), { current: samples(0.001), baseline: 0 }),
    ).toMatchObject({ status: "breach", limit: 0 });
    const ratio = spec({ kind: "maxRatio", compareTo: "production", maxRatio: 1.5 }, "p99 latency vs production");
    expect(evaluateCheck(ratio, { current: samples(0.3), reference: samples(0.25, 0.1) })).toMatchObject({
      status: "ok",
      reference: 0.25,
      limit: 0.375,
    });
    expect(evaluateCheck(ratio, { current: samples(0.4), reference: samples(0.25) })).toMatchObject({
      status: "breach",
      value: 0.4,
    });
  });

  it("says which part had no data, and why when the read failed", () => {
    expect(evaluateCheck(spec({ kind: "max", max: 1 }), { current: { kind: "none" } })).toEqual({
      status: "no_data",
      check: "error rate",
      missing: "current",
    });
    expect(
      evaluateCheck(spec({ kind: "max", max: 1 }), {
        current: { kind: "error", message: "Prometheus did not answer within 5000 ms" },
      }),
    ).toEqual({
      status: "no_data",
      check: "error rate",
      missing: "current",
      error: "Prometheus did not answer within 5000 ms",
    });
    expect(evaluateCheck(spec({ kind: "max", max: 1 }), { current: { kind: "scalar", value: NaN } })).toMatchObject({
      status: "no_data",
      missing: "current",
    });
    expect(evaluateCheck(spec({ kind: "maxIncrease", maxIncrease: 0.2 }), { current: samples(1) })).toMatchObject({
      status: "no_data",
      missing: "baseline",
    });
    expect(
      evaluateCheck(spec({ kind: "maxRatio", compareTo: "production", maxRatio: 2 }), {
        current: samples(1),
        reference: { kind: "none" },
      }),
    ).toMatchObject({ status: "no_data", missing: "reference" });
  });

  it("property: max breaches exactly when the highest non-NaN value is above it", () => {
    fc.assert(
      fc.property(values, finiteLimit, (vs, max) => {
        const v = evaluateCheck(spec({ kind: "max", max }), { current: samples(...vs) });
        const seen = vs.filter((x) => !Number.isNaN(x));
        if (seen.length === 0) {
          expect(v.status).toBe("no_data");
          return;
        }
        expect(v).toMatchObject({
          status: Math.max(...seen) > max ? "breach" : "ok",
          value: Math.max(...seen),
          limit: max,
        });
      }),
    );
  });

  it("property: min breaches exactly when the lowest non-NaN value is below it", () => {
    fc.assert(
      fc.property(values, finiteLimit, (vs, min) => {
        const v = evaluateCheck(spec({ kind: "min", min }), { current: samples(...vs) });
        const seen = vs.filter((x) => !Number.isNaN(x));
        if (seen.length === 0) {
          expect(v.status).toBe("no_data");
          return;
        }
        expect(v).toMatchObject({ status: Math.min(...seen) < min ? "breach" : "ok", value: Math.min(...seen) });
      }),
    );
  });

  it("property: maxRatio breaches exactly when current's highest is above the reference's highest × the ratio", () => {
    const positive = fc.array(fc.double({ min: 0, max: 1e4, noNaN: true }), { maxLength: 4 });
    fc.assert(
      fc.property(positive, positive, fc.double({ min: 0.1, max: 10, noNaN: true }), (current, reference, maxRatio) => {
        const v = evaluateCheck(spec({ kind: "maxRatio", compareTo: "production", maxRatio }), {
          current: samples(...current),
          reference: samples(...reference),
        });
        if (current.length === 0) {
          expect(v).toMatchObject({ status: "no_data", missing: "current" });
          return;
        }
        if (reference.length === 0) {
          expect(v).toMatchObject({ status: "no_data", missing: "reference" });
          return;
        }
        const limit = Math.max(...reference) * maxRatio;
        expect(v).toMatchObject({
          status: Math.max(...current) > limit ? "breach" : "ok",
          limit,
          reference: Math.max(...reference),
        });
      }),
    );
  });

  it("property: maxIncrease breaches exactly when the value is above baseline + |baseline| × the increase", () => {
    fc.assert(
      fc.property(
        finiteLimit,
        finiteLimit,
        fc.double({ min: 0, max: 5, noNaN: true }),
        (current, baseline, maxIncrease) => {
          const v = evaluateCheck(spec({ kind: "maxIncrease", maxIncrease }), { current: samples(current), baseline });
          const limit = baseline + Math.abs(baseline) * maxIncrease;
          expect(v).toMatchObject({ status: current > limit ? "breach" : "ok", limit });
        },
      ),
    );
  });
});

describe("the maxIncrease baseline", () => {
  it("is each series' mean over the window before the deploy, the highest, ignoring NaN and ±Inf", () => {
    const series = (...vs: number[]) => ({ points: vs.map((value) => ({ value })) });
    expect(baselineOf({ kind: "series", series: [series(1, 2, 3, NaN), series(0.5, Infinity), series()] })).toBe(2);
    expect(baselineOf({ kind: "series", series: [series(NaN)] })).toBeUndefined();
    expect(baselineOf({ kind: "none" })).toBeUndefined();
  });

  it("is read over as long as the bake, ending at the deploy's start, stepped at the interval within Prometheus's point limit", () => {
    expect(baselineWindow({ bakeMs: 600_000, intervalMs: 30_000 }, 1_000_000_000)).toEqual({
      start: 999_400_000,
      end: 1_000_000_000,
      stepSeconds: 30,
    });
    expect(baselineWindow({ bakeMs: 7 * 86_400_000, intervalMs: 10_000 }, 0).stepSeconds).toBe(55);
  });
});

describe("check units", () => {
  const check = (name: string, query: string, threshold: Threshold) => ({ name, query, threshold });
  it("reads latency and durations in seconds, absolute limits within 0..1 as ratios, and the rest as numbers", () => {
    expect(inferUnit(check("p99 latency", "p99", { kind: "max", max: 0.5 }))).toBe("seconds");
    expect(inferUnit(check("p99", "rate(x_duration_seconds_bucket[5m])", { kind: "max", max: 0.5 }))).toBe("seconds");
    expect(inferUnit(check("error rate", "errors", { kind: "max", max: 0.02 }))).toBe("percent");
    expect(inferUnit(check("queue depth", "depth", { kind: "max", max: 500 }))).toBe("number");
    expect(inferUnit(check("saturation", "s", { kind: "maxRatio", compareTo: "production", maxRatio: 1.5 }))).toBe(
      "number",
    );
  });

  it("words each unit, with the figures it takes to tell a value from its limit", () => {
    expect(valueAndLimit(0.264, 0.33, "seconds")).toEqual(["264 ms", "330 ms"]);
    expect(valueAndLimit(2.5, 1.5, "seconds")).toEqual(["2.5 s", "1.5 s"]);
    expect(valueAndLimit(0.0205, 0.02, "percent")).toEqual(["2.05%", "2%"]);
    expect(valueAndLimit(0.02000004, 0.02, "percent")).toEqual(["2.000004%", "2%"]);
    expect(valueAndLimit(612, 500, "number")).toEqual(["612", "500"]);
  });
});
