/** Matches request paths to Jira's OpenAPI path templates; the template and operationId are recorded with each call. */
import type { ApiRequest, ApiResponse } from "./http.js";

export interface Route {
  method: string;
  /** Exactly as in Jira's OpenAPI description, so recorded calls line up with the contract check. */
  template: string;
  operationId: string;
  handle: (req: ApiRequest) => ApiResponse;
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

export class Router {
  private readonly compiled: CompiledRoute[];

  constructor(routes: Route[]) {
    // Literal segments win over parameters (e.g. /issue/picker would beat /issue/{issueIdOrKey}).
    this.compiled = routes.map(compile).sort((a, b) => literalCount(b.route) - literalCount(a.route));
  }

  match(method: string, path: string): RouteMatch | undefined {
    for (const c of this.compiled) {
      if (c.route.method !== method) continue;
      const m = c.pattern.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      try {
        c.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1] ?? "")));
      } catch {
        return undefined;
      }
      return { route: c.route, params };
    }
    return undefined;
  }
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.template
    .split("/")
    .map((seg) => {
      const param = /^\{(\w+)\}$/.exec(seg);
      if (!param) return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      names.push(param[1] ?? "");
      return "([^/]+)";
    })
    .join("/");
  return { route, pattern: new RegExp(`^${source}/?$`), names };
}

function literalCount(route: Route): number {
  return route.template.split("/").filter((s) => s && !s.startsWith("{")).length;
}
