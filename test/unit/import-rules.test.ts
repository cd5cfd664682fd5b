import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "../../src");

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** What each file under `dir` imports: module specifiers resolved to paths under src/ (or packages as named). */
function importsUnder(dir: string): { file: string; target: string }[] {
  return filesUnder(join(SRC, dir)).flatMap((file) =>
    [...readFileSync(file, "utf8").matchAll(/^(?:import|export)\s[^;]*?from\s+"([^"]+)"/gms)].map(([, spec]) => ({
      file: relative(SRC, file),
      target: spec!.startsWith(".") ? relative(SRC, resolve(file, "..", spec!)) : spec!,
    })),
  );
}

describe("import rules", () => {
  it("reads the imports it checks (so the rules below cannot pass by finding nothing)", () => {
    expect(importsUnder("deploy").some((i) => i.target === "domain/deployment.js")).toBe(true);
  });

  it("src/deploy decides and never speaks Slack: nothing there imports src/slack", () => {
    expect(
      importsUnder("deploy").filter((i) => i.target.startsWith("slack/") || i.target.startsWith("@slack/")),
    ).toEqual([]);
  });

  it("src/domain imports no adapter, store, config or zod", () => {
    const outside = importsUnder("domain").filter(
      (i) => !i.target.startsWith("domain/") && !i.target.startsWith("node:"),
    );
    expect(outside).toEqual([]);
  });
});
