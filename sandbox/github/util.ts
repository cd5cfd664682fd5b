import { createHash } from "node:crypto";

/** GitHub timestamps carry whole seconds only; emulating that surfaces off-by-milliseconds bugs in `created>=` filters. */
export function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000) * 1000;
}

export function sha1(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}

/** Stable small integer from a name, so the same login always gets the same user id. */
export function stableId(name: string, base: number): number {
  return base + (parseInt(sha1(name).slice(0, 7), 16) % 10_000_000);
}

export function nodeId(kind: string, id: number | string): string {
  return Buffer.from(`${kind}:${id}`).toString("base64").replace(/=+$/, "");
}

export function isSha(ref: string): boolean {
  return /^[0-9a-f]{40}$/.test(ref);
}

export function pageParams(query: Record<string, string>): { perPage: number; page: number } {
  const perPage = Math.min(100, Math.max(1, Number(query.per_page ?? 30) || 30));
  const page = Math.max(1, Number(query.page ?? 1) || 1);
  return { perPage, page };
}

export function paginate<T>(items: T[], query: Record<string, string>): T[] {
  const { perPage, page } = pageParams(query);
  return items.slice((page - 1) * perPage, page * perPage);
}
