/* eslint-disable @typescript-eslint/no-explicit-any -- the YAML fixtures are plain data, edited loosely per test */
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { configJsonSchema } from "../../src/config/json-schema.js";
import { ConfigError, parseConfig } from "../../src/config/load.js";
import { verifyPlan } from "../../src/config/verify-schema.js";

const ERROR_RATE =
  'sum(rate(http_requests_total{service="checkout-api",env="canary",code=~"5.."}[2m])) / sum(rate(http_requests_total{service="checkout-api",env="canary"}[2m]))';
const P99 =
  'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="checkout-api",env="{{environment}}"}[5m])))';
const ENV = "services.checkout-api.environments";

/** The example, as data, so each test can break one thing. */
function example(): Record<string, any> {
  return {
    services: {
      "checkout-api": {
        repo: "acme/checkout-api",
        workflow: "deploy.yml",
        environments: {
          canary: {
            promoteTo: "production",
            verify: {
              bake: "10m",
              interval: "30s",
              failAfter: 2,
              checks: [
                { name: "error rate", query: ERROR_RATE, max: 0.02 },
                { name: "p99 latency vs production", query: P99, compareTo: "production", maxRatio: 1.5 },
              ],
              noData: "fail",
              onFailure: "rollback",
              alert: ["@oncall"],
            },
          },
          production: {
            promoteFrom: "canary",
            requireVerified: true,
            minBake: "15m",
            verify: {
              bake: "30m",
              checks: [
                { name: "error rate", query: 'sum(rate(errors_total{env="{{environment}}"}[5m]))', maxIncrease: "20%" },
              ],
            },
          },
        },
      },
    },
  };
}

function problemsOf(config: unknown): string[] {
  try {
    parseConfig(stringify(config), "gantry.yml");
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error("expected the config to be invalid");
}

/** The example with one change made by `edit`. */
function edited(edit: (envs: Record<string, any>) => void): Record<string, any> {
  const config = example();
  edit(config.services["checkout-api"].environments);
  return config;
}

describe("verify in gantry.yml", () => {
  it("reads the issue's example, with defaults, into the evaluation's plan", () => {
    const config = parseConfig(stringify(example()), "gantry.yml");
    const { canary, production } = config.services["checkout-api"]!.environments;
    expect(canary).toMatchObject({ promoteTo: "production", verify: { onFailure: "rollback", alert: ["@oncall"] } });
    expect(production).toMatchObject({
      requireVerified: true,
      minBake: "15m",
      verify: { interval: "30s", failAfter: 2, noData: "hold", onFailure: "notify", alert: [] },
    });
    expect(verifyPlan(canary!.verify!)).toEqual({
      bakeMs: 600_000,
      intervalMs: 30_000,
      failAfter: 2,
      noData: "fail",
      checks: [
        { name: "error rate", query: ERROR_RATE, threshold: { kind: "max", max: 0.02 }, unit: "percent" },
        {
          name: "p99 latency vs production",
          query: P99,
          threshold: { kind: "maxRatio", compareTo: "production", maxRatio: 1.5 },
          unit: "seconds",
        },
      ],
    });
    expect(verifyPlan(production!.verify!).checks[0]?.threshold).toEqual({ kind: "maxIncrease", maxIncrease: 0.2 });
  });

  it("is valid against the JSON Schema editors use", () => {
    const validate = new Ajv({ strict: false }).compile(configJsonSchema());
    expect(validate(example()), JSON.stringify(validate.errors)).toBe(true);
  });

  it("reads maxIncrease as a percentage or a fraction, and refuses the rest with the fix", () => {
    const check = (maxIncrease: unknown) => edited((e) => (e.production.verify.checks[0].maxIncrease = maxIncrease));
    expect(
      verifyPlan(parseConfig(stringify(check(0.2)), "x").services["checkout-api"]!.environments.production!.verify!)
        .checks[0]?.threshold,
    ).toEqual({ kind: "maxIncrease", maxIncrease: 0.2 });
    const at = `${ENV}.production.verify.checks[0].maxIncrease`;
    expect(problemsOf(check("twenty"))).toEqual([
      `${at}: expected a percentage such as "20%", or a fraction such as 0.2`,
    ]);
    expect(problemsOf(check(20))).toEqual([
      `${at}: a bare number is a fraction, so 20 would allow a 2000% increase: write "20%" or 0.2`,
    ]);
    expect(problemsOf(check(-0.1))).toEqual([`${at}: must be 0 or more: 0.2 (or 20%) allows a 20% increase`]);
  });

  it.each([
    [
      "a check with no threshold",
      (e: any) => delete e.canary.verify.checks[0].max,
      `${ENV}.canary.verify.checks[0]: no threshold — add one of \`max\`, \`min\`, \`maxIncrease\`, or \`compareTo\` with \`maxRatio\``,
    ],
    [
      "two kinds at once",
      (e: any) => (e.canary.verify.checks[0].maxIncrease = "20%"),
      `${ENV}.canary.verify.checks[0].maxIncrease: set only one threshold per check, not both \`max\` and \`maxIncrease\`: write a check for each`,
    ],
    [
      "compareTo without maxRatio",
      (e: any) => delete e.canary.verify.checks[1].maxRatio,
      `${ENV}.canary.verify.checks[1].maxRatio: missing — a compareTo check needs maxRatio, such as \`maxRatio: 1.5\``,
    ],
    [
      "maxRatio without compareTo",
      (e: any) => delete e.canary.verify.checks[1].compareTo,
      `${ENV}.canary.verify.checks[1].compareTo: missing — maxRatio compares with another environment: add compareTo, such as \`compareTo: production\``,
    ],
    [
      "a compareTo query without {{environment}}",
      (e: any) => (e.canary.verify.checks[1].query = "histogram_quantile(0.99, x)"),
      `${ENV}.canary.verify.checks[1].query: a compareTo check runs this query for both environments, so it must use {{environment}}, such as env="{{environment}}"`,
    ],
    [
      "a placeholder outside quotes",
      (e: any) => (e.canary.verify.checks[0].query = "rate(x[{{ref}}])"),
      `${ENV}.canary.verify.checks[0].query: {{ref}} must sit inside a quoted label value, such as env="{{environment}}", so that no value can change the query`,
    ],
    [
      "a bake shorter than interval × failAfter",
      (e: any) => Object.assign(e.canary.verify, { bake: "1m", failAfter: 3 }),
      `${ENV}.canary.verify.bake: 1m is shorter than interval × failAfter (30s × 3 = 90s), so a breach could never count: make bake at least 90s, or lower failAfter or interval`,
    ],
    [
      "a zero interval",
      (e: any) => (e.canary.verify.interval = "0s"),
      `${ENV}.canary.verify.interval: must be longer than 0, such as 30s`,
    ],
    [
      "two checks of one name",
      (e: any) => (e.canary.verify.checks[1].name = "error rate"),
      `${ENV}.canary.verify.checks[1].name: another check is already named \`error rate\`: give each check its own name, as Slack shows it`,
    ],
    [
      "a mistyped key",
      (e: any) => (e.canary.verify.failafter = 2),
      `${ENV}.canary.verify.failafter: unknown key — did you mean \`failAfter\`?`,
    ],
  ])("names the path and the fix for %s", (_, edit, problem) => {
    expect(problemsOf(edited(edit))).toEqual([problem]);
  });

  it.each([
    [
      "a compareTo naming an unknown environment",
      (e: any) => (e.canary.verify.checks[1].compareTo = "prod"),
      `${ENV}.canary.verify.checks[1].compareTo: unknown environment \`prod\` — did you mean \`production\`? (this service has \`canary\`, \`production\`)`,
    ],
    [
      "a compareTo naming its own environment",
      (e: any) => (e.canary.verify.checks[1].compareTo = "canary"),
      `${ENV}.canary.verify.checks[1].compareTo: must name another environment of this service, not this one`,
    ],
    [
      "a promoteTo naming an unknown environment",
      (e: any) => (e.canary.promoteTo = "prodution"),
      `${ENV}.canary.promoteTo: unknown environment \`prodution\` — did you mean \`production\`? (this service has \`canary\`, \`production\`)`,
    ],
    [
      "a promoteTo from an environment that verifies nothing",
      (e: any) => delete e.canary.verify && delete e.production.requireVerified,
      `${ENV}.canary.promoteTo: promotes once a deploy is verified here, but this environment has no \`verify\`: add one, or remove promoteTo`,
    ],
    [
      "a promoteTo into an environment fed from elsewhere",
      (e: any) =>
        Object.assign(
          e,
          { staging: {} },
          { production: { ...e.production, promoteFrom: "staging", requireVerified: false } },
        ),
      `${ENV}.canary.promoteTo: production takes promotions only from staging (its promoteFrom): set its promoteFrom to canary, or remove promoteTo here`,
    ],
    [
      "requireVerified where promotions come from an environment that verifies nothing",
      (e: any) =>
        Object.assign(
          e,
          { staging: {} },
          { production: { ...e.production, promoteFrom: "staging", minBake: undefined } },
        ) && delete e.canary.promoteTo,
      `${ENV}.production.requireVerified: staging, where promotions come from, verifies nothing, so no promotion could come here: add \`verify\` under staging, or remove requireVerified`,
    ],
    [
      "minBake on an environment nothing is promoted to",
      (e: any) => delete e.canary.promoteTo && delete e.production.promoteFrom && delete e.production.requireVerified,
      `${ENV}.production.minBake: minBake applies to promotions, and nothing is promoted here: set promoteFrom (or promoteTo on the environment deploys come from)`,
    ],
  ])("names the path and the fix for %s", (_, edit, problem) => {
    expect(problemsOf(edited(edit))).toEqual([problem]);
  });

  it("reports every problem at once: a promoteTo and a requireVerified from an environment that verifies nothing", () => {
    expect(problemsOf(edited((e) => delete e.canary.verify))).toEqual([
      `${ENV}.canary.promoteTo: promotes once a deploy is verified here, but this environment has no \`verify\`: add one, or remove promoteTo`,
      `${ENV}.production.requireVerified: canary, where promotions come from, verifies nothing, so no promotion could come here: add \`verify\` under canary, or remove requireVerified`,
    ]);
  });

  it("names a promoteTo cycle once, at the first environment in it", () => {
    const config = edited((e) => {
      delete e.production.promoteFrom;
      delete e.production.requireVerified;
      e.production.promoteTo = "canary";
    });
    expect(problemsOf(config)).toEqual([
      `${ENV}.canary.promoteTo: promotions would go round in a circle (canary → production → canary): remove promoteTo from one of them`,
    ]);
  });
});
