import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { configCheck, configSchema } from "../../src/cli/config-check.js";
import { runCli, type CliIo } from "../../src/cli/gantry.js";
import { formatPath } from "../../src/config/format-issues.js";
import { configJsonSchema, configJsonSchemaText } from "../../src/config/json-schema.js";
import { ConfigError, loadConfig, parseConfig } from "../../src/config/load.js";
import { isGantryError } from "../../src/errors.js";

const root = join(import.meta.dirname, "..", "..");
const examplePath = join(root, "gantry.example.yml");

function problemsOf(text: string): string[] {
  try {
    parseConfig(text, "gantry.yml");
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error("expected the config to be invalid");
}

function captureIo(env: Record<string, string | undefined> = {}): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (line) => stdout.push(line), err: (line) => stderr.push(line), env };
}

function tempFile(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "gantry-config-")), name);
  writeFileSync(path, text);
  return path;
}

describe("gantry.example.yml", () => {
  it("loads, with defaults filled in", () => {
    const config = loadConfig(examplePath);
    expect(Object.keys(config.services)).toEqual(["checkout-api", "billing-worker"]);
    expect(config.services["checkout-api"]).toMatchObject({
      repo: "acme/checkout-api",
      mode: "workflow",
      workflow: "deploy.yml",
      environments: { staging: {}, production: { deployers: ["@platform", "U024BE7LH"] } },
    });
    expect(config.services["billing-worker"]).toMatchObject({ mode: "deployment", timeout: "60m" });
    expect(config.teams.payments).toMatchObject({ channel: "C0PAYMENTS" });
  });

  it("passes `gantry config check`", () => {
    const io = captureIo();
    expect(configCheck([examplePath], io)).toBe(0);
    expect(io.stdout).toEqual([`✓ ${examplePath} is valid: 2 services, 1 team`]);
    expect(io.stderr).toEqual([]);
  });

  it("is valid against the JSON Schema editors use", () => {
    const validate = new Ajv({ strict: false }).compile(configJsonSchema());
    const raw = parseConfig(readFileSync(examplePath, "utf8"), "example");
    expect(validate(raw), JSON.stringify(validate.errors)).toBe(true);
  });
});

describe("gantry.schema.json", () => {
  it("is the committed output of `gantry config schema`", () => {
    const committed = readFileSync(join(root, "gantry.schema.json"), "utf8");
    expect(committed, "regenerate with: npm run gantry -- config schema > gantry.schema.json").toBe(
      configJsonSchemaText(),
    );
  });

  it("marks keys with defaults optional and rejects unknown keys", () => {
    const schema = configJsonSchema() as { required: string[]; additionalProperties: boolean };
    expect(schema.required).toEqual(["services"]);
    expect(schema.additionalProperties).toBe(false);
  });
});

describe("parseConfig", () => {
  it("reports every problem at once, each with its path and a fix", () => {
    const text = [
      "timezone: Mars/Base",
      "extra: 1",
      "polling:",
      "  interval: 5",
      "services:",
      "  checkout-api:",
      "    repo: bad",
      "    workflw: deploy.yml",
      "    mode: workflw",
      "    environments:",
      "      staging:",
      "      Prod: {}",
      "      x: { deployers: [] }",
      '      y: { deployers: "@platform" }',
      "  billing-worker:",
      "    repo: acme/billing",
      "    environments: {}",
      "  api.v2:",
      "    repo: acme/api",
      "    mode: deployment",
      "    environments: { staging: { timeout: soon } }",
      "teams:",
      "  payments:",
      "    channel: C0PAYMENTS",
      "    services: [nope, checkout-api]",
    ].join("\n");
    expect(problemsOf(text)).toEqual([
      "timezone: expected an IANA time zone such as Europe/Berlin",
      "polling.interval: expected a duration such as 30s, 15m, 1h or 2d, got a number",
      "services.checkout-api.repo: expected owner/name",
      "services.checkout-api.mode: expected one of `workflow`, `deployment` — did you mean `workflow`?",
      "services.checkout-api.environments.staging: empty — write `{}` for no settings, or add settings under it",
      "services.checkout-api.environments.Prod: invalid name — expected a lowercase name such as staging",
      "services.checkout-api.environments.x.deployers: list at least one deployer, or remove `deployers` to let everyone deploy",
      "services.checkout-api.environments.y.deployers: expected a list, got text: write `[a, b]` or one `- item` per line",
      "services.checkout-api.workflw: unknown key — did you mean `workflow`?",
      "services.billing-worker.environments: list at least one environment, such as `staging: {}`",
      "services.billing-worker.workflow: required in workflow mode: name the workflow file, such as deploy.yml (or set mode: deployment)",
      'services["api.v2"].environments.staging.timeout: expected a duration such as 30s, 15m, 1h or 2d',
      "extra: unknown key — expected one of `$schema`, `timezone`, `polling`, `services`, `breakGlass`, `locks`, `incidents`, `dora`, `teams`, `people`",
      // Zod skips the top-level cross-reference check while anything else is wrong; the loader adds it back.
      "teams.payments.services[0]: unknown service `nope`: add it under services, or remove it here",
    ]);
  });

  it.each([
    ["", ["(top level): the file is empty — add a `services:` section"]],
    ["- a\n- b\n", ["(top level): expected `key: value` settings such as `services:`, not a list or text"]],
    ["services:\n", ["services: expected a mapping of `name: settings` lines, got nothing"]],
    ["timezone: UTC\n", ["services: missing — add a `services:` section with at least one service"]],
    [
      "services:\n  api:\n    mode: deployment\n    environments: { s: {} }\n",
      ["services.api.repo: missing — add `repo: owner/name`, the GitHub repository to deploy"],
    ],
    [
      "services:\n  api:\n    repo: a/b\n    workflow: 123\n    environments: { s: {} }\n",
      ["services.api.workflow: expected text, got a number: put it in quotes"],
    ],
    [
      "services:\n  api: { repo: a/b, workflow: d.yml, environments: { s: {} } }\nteams:\n  Payments: { channel: C0PAYMENTS }\n",
      ["teams.Payments: invalid name — expected a lowercase team name such as payments"],
    ],
    [
      "services:\n  api: { repo: a/b, workflow: d.yml, environments: { s: {} } }\nteams:\n  payments: { channel: C0PAYMENTS, services: [apu] }\n",
      ["teams.payments.services[0]: unknown service `apu`: add it under services, or remove it here"],
    ],
    [
      "services: {}\nlocks: { defaultDuration: 10d }\n",
      ["locks.defaultDuration: must not be longer than maxDuration (7d)"],
    ],
    [
      "services:\n  api: { repo: a/b, workflow: d.yml, environments: { prod: { approvals: { approvers: [U1AB], excludeAuthors: true } } } }\n",
      [
        "services.api.environments.prod.approvals.excludeAuthors: needs `people:` (GitHub login: Slack user id) to know who wrote a commit",
      ],
    ],
    [
      'services: {}\npeople: { -bad-: U1AB, octocat: "@platform" }\n',
      [
        "people.-bad-: invalid name — expected a GitHub login such as octocat",
        "people.octocat: expected a Slack user id such as U024BE7LH",
      ],
    ],
    [
      "services: {}\npeople: { octocat: U1AB, OctoCat: U2CD }\n",
      ["people: `octocat` is listed twice (GitHub logins ignore case)"],
    ],
  ])("explains %j", (text, expected) => {
    expect(problemsOf(text)).toEqual(expected);
  });

  it("reports YAML syntax errors with line and column", () => {
    expect(problemsOf("services:\n  a:\n    repo: a/b\n  a:\n    repo: c/d\n")).toEqual([
      "line 4, column 3: Map keys must be unique",
    ]);
    expect(problemsOf("services:\n  a: [1, 2\nteams: {}\n")[0]).toMatch(/^line 3, column \d+: /);
  });

  it("throws a GantryError with code config_invalid naming the source", () => {
    const err = (() => {
      try {
        parseConfig("nope: 1\nservices: {}\n", "my.yml");
      } catch (e) {
        return e;
      }
    })();
    expect(isGantryError(err, "config_invalid")).toBe(true);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe(
      "my.yml has 1 problem:\n  nope: unknown key — expected one of `$schema`, `timezone`, `polling`, `services`, `breakGlass`, `locks`, `incidents`, `dora`, `teams`, `people`",
    );
  });
});

describe("loadConfig", () => {
  it("names the path and GANTRY_CONFIG when the file is missing", () => {
    expect(() => loadConfig("/nowhere/gantry.yml")).toThrow(
      expect.objectContaining({
        problems: [
          "/nowhere/gantry.yml: file not found — create it (gantry.example.yml is a start) or set GANTRY_CONFIG to its path",
        ],
      }),
    );
  });
});

describe("formatPath", () => {
  it.each([
    [[], "(top level)"],
    [["services", "checkout-api", "repo"], "services.checkout-api.repo"],
    [["services", "api.v2", "repo"], 'services["api.v2"].repo'],
    [["teams", "payments", "services", 0], "teams.payments.services[0]"],
    [["$schema"], "$schema"],
    [["a b"], '["a b"]'],
  ])("%j → %s", (path, expected) => {
    expect(formatPath(path)).toBe(expected);
  });
});

describe("gantry CLI", () => {
  it("config check prints each problem on its own line and exits 1", () => {
    const file = tempFile(
      "gantry.yml",
      "services:\n  api:\n    repo: bad\n    workflw: x\n    environments: { s: {} }\n",
    );
    const io = captureIo();
    expect(configCheck([file], io)).toBe(1);
    expect(io.stdout).toEqual([]);
    expect(io.stderr).toEqual([
      `✗ ${file}: 3 problems`,
      "  services.api.repo: expected owner/name",
      "  services.api.workflw: unknown key — did you mean `workflow`?",
      "  services.api.workflow: required in workflow mode: name the workflow file, such as deploy.yml (or set mode: deployment)",
    ]);
  });

  it("config check defaults to $GANTRY_CONFIG, then ./gantry.yml", async () => {
    const withEnv = captureIo({ GANTRY_CONFIG: examplePath });
    expect(await runCli(["config", "check"], withEnv)).toBe(0);
    expect(withEnv.stdout[0]).toContain(examplePath);

    const withoutEnv = captureIo();
    const code = await runCli(["config", "check"], withoutEnv);
    expect([...withoutEnv.stdout, ...withoutEnv.stderr].join("\n")).toContain("./gantry.yml");
    expect(code).toBe(withoutEnv.stderr.length ? 1 : 0);
  });

  it("config schema prints the JSON Schema", async () => {
    const io = captureIo();
    expect(await runCli(["config", "schema"], io)).toBe(0);
    expect(JSON.parse(io.stdout.join("\n"))).toEqual(configJsonSchema());
    expect(configSchema(["extra"], captureIo())).toBe(2);
  });

  it.each([[[]], [["help"]], [["--help"]]])("%j prints usage and exits 0", async (argv) => {
    const io = captureIo();
    expect(await runCli(argv, io)).toBe(0);
    expect(io.stdout[0]).toBe("usage: gantry <command> [args]");
    expect(io.stdout.some((line) => line.trimStart().startsWith("config"))).toBe(true);
  });

  it("an unknown command prints usage and exits 2", async () => {
    const io = captureIo();
    expect(await runCli(["deploy-all-the-things"], io)).toBe(2);
    expect(io.stderr[0]).toBe("gantry: unknown command `deploy-all-the-things`");
    expect(await runCli(["config", "lint"], captureIo())).toBe(2);
    expect(await runCli(["config"], captureIo())).toBe(2);
    expect(await runCli(["config", "check", "a", "b"], captureIo())).toBe(2);
  });
});
