import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  parseDeploy,
  tokenize,
  USAGE,
  validateAgainstConfig,
  type DeployCommand,
} from "../../src/slack/commands/grammar.js";
import { GantryConfig } from "../../src/config/schema.js";

const deploy = (service: string, environment: string, extra: Partial<DeployCommand & { kind: "deploy" }> = {}) => ({
  ok: true,
  command: { kind: "deploy", service, environment, flags: {}, ...extra },
});
const error = (message: string, usage: string = USAGE.deploy) => ({ ok: false, error: message, usage });

describe("tokenize", () => {
  it.each([
    ["  a   b\tc\n", ["a", "b", "c"]],
    ['a "b c" d', ["a", "b c", "d"]],
    ["--force “smart quoted” x", ["--force", "smart quoted", "x"]],
    ['“mixed" ”ends”', ["mixed", "ends"]],
    ['""', [""]],
    ['--force="a b"', ["--force=a b"]],
    ['"unclosed quote runs on', ["unclosed quote runs on"]],
    ["a\u00a0b", ["a", "b"]],
    ["—force", ["--force"]],
    ["", []],
  ])("%j → %j", (text, tokens) => {
    expect(tokenize(text)).toEqual(tokens);
  });
});

describe("parseDeploy", () => {
  it.each([
    ["", { ok: true, command: { kind: "help" } }],
    ["   ", { ok: true, command: { kind: "help" } }],
    ["help", { ok: true, command: { kind: "help" } }],
    ["HELP", { ok: true, command: { kind: "help" } }],
    ["checkout-api to staging", deploy("checkout-api", "staging")],
    ["/deploy checkout-api to staging", deploy("checkout-api", "staging")],
    ["  Checkout-API   v1.4.2  TO   Production ", deploy("checkout-api", "production", { ref: "v1.4.2" })],
    ["checkout-api@v1.4.2 to production", deploy("checkout-api", "production", { ref: "v1.4.2" })],
    ["checkout-api@Feature/X to staging", deploy("checkout-api", "staging", { ref: "Feature/X" })],
    ["checkout-api@a@b to staging", deploy("checkout-api", "staging", { ref: "a@b" })],
    ["@foo to staging", deploy("@foo", "staging")],
    ["checkout-api\u00a0to\tstaging", deploy("checkout-api", "staging")],
    [
      'checkout-api to production --force "db migration stuck"',
      deploy("checkout-api", "production", { flags: { force: "db migration stuck" } }),
    ],
    [
      "checkout-api main to production --hotfix",
      deploy("checkout-api", "production", { ref: "main", flags: { hotfix: true } }),
    ],
    [
      "checkout-api to production —force “smart quotes” --hotfix",
      deploy("checkout-api", "production", { flags: { force: "smart quotes", hotfix: true } }),
    ],
    ['checkout-api to production --force="a b"', deploy("checkout-api", "production", { flags: { force: "a b" } })],
    [
      "checkout-api to production --force rollback",
      deploy("checkout-api", "production", { flags: { force: "rollback" } }),
    ],
    ["status", { ok: true, command: { kind: "status" } }],
    ["status Checkout-API", { ok: true, command: { kind: "status", service: "checkout-api" } }],
    ["history checkout-api", { ok: true, command: { kind: "history", service: "checkout-api" } }],
    [
      "history checkout-api Production",
      { ok: true, command: { kind: "history", service: "checkout-api", environment: "production" } },
    ],
  ])("accepts %j", (text, expected) => {
    expect(parseDeploy(text)).toStrictEqual(expected);
  });

  it.each([
    ["checkout-api staging", error("missing `to`: try `/deploy checkout-api to staging`")],
    ["checkout-api", error("missing `to <env>`: say where to deploy `checkout-api`")],
    ["checkout-api main staging", error("missing `to` before the environment")],
    ["to staging", error("missing service: say which service to deploy before `to`")],
    ["checkout-api to", error("missing environment after `to`")],
    [
      "checkout-api to staging production",
      error("too many words after `to`: expected one environment, got `staging`, `production`"),
    ],
    [
      "checkout-api a b to staging",
      error("too many words before `to`: expected a service and maybe a ref, also got `b`"),
    ],
    ["checkout-api@v1 v2 to staging", error("ref given twice: `checkout-api@v1` already names ref `v1`, so drop `v2`")],
    ["checkout-api@ to staging", error("missing ref after `@` in `checkout-api@`")],
    ['"" to staging', error("the service name is empty")],
    ['checkout-api "" to staging', error("the ref is empty")],
    ['checkout-api to ""', error("the environment name is empty")],
    [
      'checkout-api to production --force ""',
      error("the `--force` reason is empty: say why in the quotes", USAGE.flags),
    ],
    [
      'checkout-api to production --force "  "',
      error("the `--force` reason is empty: say why in the quotes", USAGE.flags),
    ],
    ["checkout-api to production --force", error('`--force` needs a reason: `--force "<reason>"`', USAGE.flags)],
    [
      "checkout-api to production --force --hotfix",
      error('`--force` needs a reason: `--force "<reason>"`', USAGE.flags),
    ],
    [
      "checkout-api to production --force rollback now",
      error('unexpected `now` after the environment — put the `--force` reason in quotes: `--force "…"`', USAGE.flags),
    ],
    ["checkout-api to production --hotfix now", error("unexpected `now` after the environment", USAGE.flags)],
    ["checkout-api to production --hotfx", error("unknown flag `--hotfx` — did you mean `--hotfix`?", USAGE.flags)],
    ["checkout-api to production -f", error("unknown flag `-f` — did you mean `--force`?", USAGE.flags)],
    ["checkout-api to production --yolo", error("unknown flag `--yolo`. Flags: `--force`, `--hotfix`", USAGE.flags)],
    ["checkout-api to production --hotfix --hotfix", error("`--hotfix` given twice", USAGE.flags)],
    ['checkout-api to production --force "a" --force "b"', error("`--force` given twice", USAGE.flags)],
    ["checkout-api to production --hotfix=yes", error("`--hotfix` takes no value", USAGE.flags)],
    [
      "checkout-api --hotfix to production",
      error("flags go after the environment: move `--hotfix` to the end", USAGE.flags),
    ],
    ["status a b", error("too many words: `status` takes at most one service", USAGE.status)],
    ["history", error("missing service: which service's history?", USAGE.history)],
    ["history a b c", error("too many words after `history`: unexpected `c`", USAGE.history)],
  ])("rejects %j", (text, expected) => {
    expect(parseDeploy(text)).toStrictEqual(expected);
  });

  it("shortens long echoed words and keeps backticks from breaking the code span", () => {
    const result = parseDeploy(`a b \`${"x".repeat(100)} to staging`);
    expect(result).toStrictEqual(
      error(`too many words before \`to\`: expected a service and maybe a ref, also got \`'${"x".repeat(59)}…\``),
    );
  });

  it("never throws: any text is a command or an error with usage", () => {
    const slacky = fc.string({
      unit: fc.constantFrom(
        "a",
        "@",
        " ",
        "to",
        "--force",
        "--hotfix",
        '"',
        "“",
        "”",
        "-",
        "help",
        "status",
        "history",
        "\u00a0",
      ),
    });
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary" }), slacky), (text) => {
        const result = parseDeploy(text);
        if (result.ok) {
          expect(["deploy", "help", "status", "history"]).toContain(result.command.kind);
        } else {
          expect(result.error.length).toBeGreaterThan(0);
          expect(result.usage.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("validateAgainstConfig", () => {
  const config = GantryConfig.parse({
    services: {
      "checkout-api": {
        repo: "acme/checkout-api",
        workflow: "deploy.yml",
        environments: { staging: {}, production: { deployers: ["@platform"] } },
      },
      "billing-worker": { repo: "acme/billing", mode: "deployment", environments: { staging: {} } },
    },
  });
  const check = (text: string) => {
    const parsed = parseDeploy(text);
    if (!parsed.ok) throw new Error(parsed.error);
    return validateAgainstConfig(parsed.command, config);
  };

  it.each([
    "help",
    "status",
    "status checkout-api",
    "history checkout-api production",
    "checkout-api v1.4.2 to production",
    "billing-worker to staging",
  ])("accepts %j", (text) => {
    expect(check(text)).toStrictEqual({ ok: true });
  });

  it.each([
    ["chekout-api to staging", error("unknown service `chekout-api` — did you mean `checkout-api`?")],
    ["payments to staging", error("unknown service `payments`. Services: `checkout-api`, `billing-worker`")],
    ["status chekout-api", error("unknown service `chekout-api` — did you mean `checkout-api`?", USAGE.status)],
    [
      "checkout-api to prod",
      error(
        "unknown environment `prod` for `checkout-api` — did you mean `production`? Environments: `staging`, `production`",
      ),
    ],
    ["checkout-api to qa", error("unknown environment `qa` for `checkout-api`. Environments: `staging`, `production`")],
    [
      "billing-worker to production",
      error("unknown environment `production` for `billing-worker`. Environments: `staging`"),
    ],
    [
      "history checkout-api stagign",
      error(
        "unknown environment `stagign` for `checkout-api` — did you mean `staging`? Environments: `staging`, `production`",
        USAGE.history,
      ),
    ],
    ["constructor to staging", error("unknown service `constructor`. Services: `checkout-api`, `billing-worker`")],
    [
      "checkout-api to tostring",
      error("unknown environment `tostring` for `checkout-api`. Environments: `staging`, `production`"),
    ],
    [
      "checkout-api to __proto__",
      error("unknown environment `__proto__` for `checkout-api`. Environments: `staging`, `production`"),
    ],
    ["checkout-api main..x to staging", error("invalid ref `main..x`: a ref cannot contain `..`")],
    ["checkout-api@HEAD@{1} to staging", error("invalid ref `HEAD@{1}`: a ref cannot contain `@{`")],
  ])("rejects %j", (text, expected) => {
    expect(check(text)).toStrictEqual(expected);
  });

  it("never throws for anything the parser accepts", () => {
    const word = fc.constantFrom(
      "checkout-api",
      "chekout-api",
      "constructor",
      "__proto__",
      "prod",
      "staging",
      "main",
      "a..b",
      "@x",
      "status",
      "history",
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(word, fc.constant("to"), fc.string())), (words) => {
        const parsed = parseDeploy(words.join(" "));
        if (!parsed.ok) return;
        const result = validateAgainstConfig(parsed.command, config);
        if (!result.ok) expect(result.error.length * result.usage.length).toBeGreaterThan(0);
      }),
    );
  });
});
