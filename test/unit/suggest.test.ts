import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { editDistance, suggest } from "../../src/domain/suggest.js";

describe("editDistance", () => {
  it.each([
    ["", "", 0],
    ["abc", "", 3],
    ["kitten", "sitting", 3],
    ["stagign", "staging", 1],
    ["chekout-api", "checkout-api", 1],
    ["ab", "ba", 1],
  ])("%j → %j is %i", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });

  it("is symmetric and zero only for equal strings", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const d = editDistance(a, b);
        expect(editDistance(b, a)).toBe(d);
        expect(d === 0).toBe(a === b);
      }),
    );
  });
});

describe("suggest", () => {
  const services = ["checkout-api", "billing-worker", "search"];
  const envs = ["staging", "production"];

  it.each([
    ["chekout-api", services, "checkout-api"],
    ["checkout-apu", services, "checkout-api"],
    ["CHECKOUT-API", services, "checkout-api"],
    ["billing", services, "billing-worker"],
    ["serach", services, "search"],
    ["prod", envs, "production"],
    ["stagign", envs, "staging"],
    ["prodution", envs, "production"],
  ])("%j → %j", (input, candidates, expected) => {
    expect(suggest(input, candidates)).toBe(expected);
  });

  it.each([
    ["payments", services],
    ["x", envs],
    ["qa", envs],
    ["", envs],
    ["anything", []],
  ])("has no suggestion for %j", (input, candidates) => {
    expect(suggest(input, candidates)).toBeUndefined();
  });

  it("only ever returns one of the candidates", () => {
    fc.assert(
      fc.property(fc.string(), fc.array(fc.string()), (input, candidates) => {
        const result = suggest(input, candidates);
        if (result !== undefined) expect(candidates).toContain(result);
      }),
    );
  });
});
