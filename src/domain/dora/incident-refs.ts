import type { LedgerIncident } from "./types.js";

/** Flattens an Atlassian Document Format value (or plain text) to text. */
export function adfText(value: unknown): string {
  if (typeof value === "string") return value;
  if (!value || typeof value !== "object") return "";
  const node = value as { text?: unknown; content?: unknown };
  const own = typeof node.text === "string" ? node.text : "";
  const children = Array.isArray(node.content) ? node.content.map(adfText).join(" ") : "";
  return `${own} ${children}`.trim();
}

/** Explicit references an incident makes: "deploy #42" / "gantry #42", commit SHAs, and linked issue keys. */
export function incidentRefs(text: string, linkedKeys: readonly string[]): LedgerIncident["refs"] {
  const deployIds = [...text.matchAll(/\b(?:gantry|deploy|promote|rollback)\s*#(\d+)\b/gi)].map((m) => m[1]!);
  const shas = [...text.matchAll(/\b[0-9a-f]{7,40}\b/g)]
    .map((m) => m[0])
    .filter((s) => /[a-f]/.test(s) && /\d/.test(s));
  return { deployIds: [...new Set(deployIds)], shas: [...new Set(shas)], issueKeys: [...new Set(linkedKeys)] };
}

/** The service names an incident's field holds: component names, labels, or a custom field's value(s). */
export function fieldValues(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap(fieldValues);
  if (typeof value === "string") return [value];
  if (typeof value === "object") {
    const v = value as { name?: unknown; value?: unknown };
    if (typeof v.name === "string") return [v.name];
    if (typeof v.value === "string") return [v.value];
  }
  return [];
}

/** Keys of the issues an incident links to, either direction. */
export function linkedKeys(issuelinks: unknown): string[] {
  if (!Array.isArray(issuelinks)) return [];
  return issuelinks.flatMap((l: { inwardIssue?: { key?: string }; outwardIssue?: { key?: string } }) =>
    [l.inwardIssue?.key, l.outwardIssue?.key].filter((k): k is string => typeof k === "string"),
  );
}
