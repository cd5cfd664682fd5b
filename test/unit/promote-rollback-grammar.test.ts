import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parsePromote } from "../../src/slack/commands/promote.js";
import { parseRollback } from "../../src/slack/commands/rollback.js";
import { parseDeploy } from "../../src/slack/commands/grammar.js";
import { parseDora } from "../../src/slack/commands/dora.js";

describe("/promote grammar", () => {
  it.each([
    ["checkout-api to production", { service: "checkout-api", to: "production" }],
    ["Checkout-API from staging to production", { service: "checkout-api", from: "staging", to: "production" }],
  ])("parses %j", (text, command) => {
    expect(parsePromote(text)).toEqual({ ok: true, command });
  });

  it.each([
    ["", "say which service to promote"],
    ["checkout-api", "missing `to <env>`"],
    ["checkout-api from to production", "missing environment after `from`"],
    ["checkout-api production", "expected `to`, got `production`"],
    ["checkout-api to", "missing environment after `to`"],
    ["checkout-api to production now", "too many words: unexpected `now`"],
  ])("explains %j", (text, error) => {
    const parsed = parsePromote(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(error);
  });
});

describe("/rollback grammar", () => {
  it.each([
    ["checkout-api production", { by: "default" }],
    ["checkout-api in production", { by: "default" }],
    ["checkout-api production to v1.4.1", { by: "ref", ref: "v1.4.1" }],
    ["checkout-api in production to #41", { by: "id", id: 41 }],
  ])("parses %j", (text, to) => {
    expect(parseRollback(text)).toEqual({
      ok: true,
      command: { service: "checkout-api", environment: "production", to },
    });
  });

  it.each([
    ["", "say which service"],
    ["checkout-api", "missing environment"],
    ["checkout-api production back", "expected `to <ref>`"],
    ["checkout-api production to", "missing ref or #id"],
    ["checkout-api production to a..b", "invalid ref"],
  ])("explains %j", (text, error) => {
    const parsed = parseRollback(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(error);
  });
});

describe("/deploy lock grammar", () => {
  it("parses lock with duration and reason, and unlock", () => {
    expect(parseDeploy('lock checkout-api production for 2h "load test"')).toEqual({
      ok: true,
      command: {
        kind: "lock",
        service: "checkout-api",
        environment: "production",
        duration: "2h",
        reason: "load test",
      },
    });
    expect(parseDeploy("lock checkout-api production")).toEqual({
      ok: true,
      command: { kind: "lock", service: "checkout-api", environment: "production" },
    });
    expect(parseDeploy("unlock checkout-api production")).toEqual({
      ok: true,
      command: { kind: "unlock", service: "checkout-api", environment: "production" },
    });
    const bad = parseDeploy("lock checkout-api production for ever");
    expect(bad.ok || bad.error).toContain("needs a duration");
  });
});

describe("/dora grammar", () => {
  it.each([
    ["", { weeks: 4, share: false }],
    ["payments 12w --share", { name: "payments", weeks: 12, share: true }],
    ["Checkout-API", { name: "checkout-api", weeks: 4, share: false }],
  ])("parses %j", (text, command) => {
    expect(parseDora(text)).toEqual({ ok: true, command });
  });

  it.each([
    ["0w", "weeks must be between 1 and 52"],
    ["payments checkout-api", "name one team or service, not both"],
    ["--sharee", "unknown flag"],
  ])("explains %j", (text, error) => {
    const parsed = parseDora(text);
    expect(parsed.ok || parsed.error).toContain(error);
  });
});

describe("never throws on any text", () => {
  it("promote, rollback and lock parsers always answer", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        for (const parsed of [parsePromote(text), parseRollback(text), parseDeploy(`lock ${text}`), parseDora(text)]) {
          expect(parsed.ok || (parsed.error.length > 0 && parsed.usage.length > 0)).toBe(true);
        }
      }),
    );
  });
});
