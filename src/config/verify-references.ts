/**
 * The verify problems that need a service's other environments: where `compareTo` and `promoteTo` point, promotion
 * cycles, and `requireVerified`/`minBake` on an environment whose deploys come from one that verifies nothing.
 */
import type { z } from "zod";
import { suggest } from "../domain/suggest.js";
import type { Verify } from "./verify-schema.js";

interface EnvironmentLinks {
  promoteFrom?: string;
  promoteTo?: string;
  requireVerified?: boolean;
  minBake?: string;
  verify?: Verify;
}

type Issue = { path: (string | number)[]; message: string };

/** Why `target` is no environment to point at from `from`, or undefined when it is one. */
function badTarget(envs: Record<string, EnvironmentLinks>, from: string, target: string): string | undefined {
  if (target === from) return "must name another environment of this service, not this one";
  if (Object.hasOwn(envs, target)) return undefined;
  const names = Object.keys(envs);
  const guess = suggest(target, names);
  return `unknown environment \`${target}\`${guess ? ` — did you mean \`${guess}\`?` : ""} (this service has ${names.map((n) => `\`${n}\``).join(", ")})`;
}

/** The environments whose deploys are promoted into `name`: its promoteFrom, or those whose promoteTo names it. */
function sourcesOf(envs: Record<string, EnvironmentLinks>, name: string): string[] {
  const from = envs[name]?.promoteFrom;
  if (from) return [from];
  return Object.entries(envs).flatMap(([other, e]) => (e.promoteTo === name ? [other] : []));
}

/** The first promoteTo cycle through `start`, as the names in order, or undefined. */
function cycleFrom(envs: Record<string, EnvironmentLinks>, start: string): string[] | undefined {
  const path = [start];
  for (let at = envs[start]?.promoteTo; at !== undefined && Object.hasOwn(envs, at); at = envs[at]?.promoteTo) {
    if (at === start) return [...path, start];
    if (path.includes(at)) return undefined;
    path.push(at);
  }
  return undefined;
}

function promotionIssues(
  envs: Record<string, EnvironmentLinks>,
  name: string,
  env: EnvironmentLinks,
  reported: Set<string>,
): Issue[] {
  const at = (key: string): (string | number)[] => ["environments", name, key];
  const issues: Issue[] = [];
  if (env.promoteTo !== undefined) {
    const bad = badTarget(envs, name, env.promoteTo);
    const targetFrom = envs[env.promoteTo]?.promoteFrom;
    if (bad) issues.push({ path: at("promoteTo"), message: bad });
    else if (!env.verify)
      issues.push({
        path: at("promoteTo"),
        message:
          "promotes once a deploy is verified here, but this environment has no `verify`: add one, or remove promoteTo",
      });
    else if (targetFrom !== undefined && targetFrom !== name) {
      issues.push({
        path: at("promoteTo"),
        message: `${env.promoteTo} takes promotions only from ${targetFrom} (its promoteFrom): set its promoteFrom to ${name}, or remove promoteTo here`,
      });
    }
    const cycle = bad ? undefined : cycleFrom(envs, name);
    if (cycle && !cycle.some((n) => reported.has(n))) {
      reported.add(name);
      issues.push({
        path: at("promoteTo"),
        message: `promotions would go round in a circle (${cycle.join(" → ")}): remove promoteTo from one of them`,
      });
    }
  }
  for (const key of ["requireVerified", "minBake"] as const) {
    if (env[key] === undefined || env[key] === false) continue;
    const sources = sourcesOf(envs, name).filter((s) => s !== name && Object.hasOwn(envs, s));
    if (sources.length === 0) {
      issues.push({
        path: at(key),
        message: `${key} applies to promotions, and nothing is promoted here: set promoteFrom (or promoteTo on the environment deploys come from)`,
      });
    } else if (key === "requireVerified") {
      const unverified = sources.filter((s) => !envs[s]?.verify);
      if (unverified.length > 0) {
        issues.push({
          path: at(key),
          message: `${unverified.join(", ")}, where promotions come from, verifies nothing, so no promotion could come here: add \`verify\` under ${unverified.join(", ")}, or remove requireVerified`,
        });
      }
    }
  }
  return issues;
}

function compareToIssues(envs: Record<string, EnvironmentLinks>, name: string, env: EnvironmentLinks): Issue[] {
  return (env.verify?.checks ?? []).flatMap((check, i) => {
    const bad = check.compareTo === undefined ? undefined : badTarget(envs, name, check.compareTo);
    return bad ? [{ path: ["environments", name, "verify", "checks", i, "compareTo"], message: bad }] : [];
  });
}

/** Adds an issue, with its path from the service, for each problem; called from the service's refinement. */
export function checkVerifyReferences(envs: Record<string, EnvironmentLinks>, ctx: z.RefinementCtx): void {
  const reported = new Set<string>();
  for (const [name, env] of Object.entries(envs)) {
    for (const issue of [...compareToIssues(envs, name, env), ...promotionIssues(envs, name, env, reported)]) {
      ctx.addIssue({ code: "custom", ...issue });
    }
  }
}
