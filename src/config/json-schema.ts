/**
 * The config's JSON Schema, for editor completion and squiggles in `gantry.yml`.
 * Regenerate the committed copy with `gantry config schema > gantry.schema.json`.
 */
import { z } from "zod";
import { GantryConfig } from "./schema.js";

export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(GantryConfig, {
    // What people write, so keys with defaults are optional rather than required.
    io: "input",
    // Draft 7 is the newest draft that editors' YAML and JSON language servers fully support.
    target: "draft-7",
    // Refinements (time zones, cross-references) cannot be expressed; `gantry config check` covers them.
    unrepresentable: "any",
  });
  return {
    $schema: schema.$schema,
    title: "Gantry configuration",
    description:
      "gantry.yml: services, environments and teams for the Gantry deploy bot. Check it with `gantry config check`.",
    ...schema,
  };
}

/** Exactly the text of the committed `gantry.schema.json`. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
