/** Matches request paths to OpenAPI path templates; the template and operationId are recorded with each call. */

/** What a route handler gets, whichever emulator it belongs to; each emulator adds its own base-URL field. */
export interface RouteRequest {
  method: string;
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
}

/** What a route handler answers; the emulator's front turns it into status, headers and a body on the wire. */
export interface RouteResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** The route exists but the request asks for something the test never set up (a Prometheus query it was not given). */
  unexpected?: boolean;
}

/** The routing part of a route; each emulator adds its own `handle` signature. */
export interface TemplateRoute {
  method: string;
  /** Exactly as in the emulated service's OpenAPI description, so recorded calls line up with the contract check. */
  template: string;
  operationId: string;
}

export interface RouteMatch<R extends TemplateRoute> {
  route: R;
  params: Record<string, string>;
}

interface CompiledRoute<R extends TemplateRoute> {
  route: R;
  pattern: RegExp;
  names: string[];
}

export class TemplateRouter<R extends TemplateRoute> {
  private readonly compiled: CompiledRoute<R>[];

  constructor(routes: R[]) {
    // Literal segments win over parameters, like the real services' routing
    // (GitHub's /actions/runs vs /actions/{x}, Jira's /issue/picker vs /issue/{issueIdOrKey}).
    this.compiled = routes.map(compile).sort((a, b) => literalCount(b.route) - literalCount(a.route));
  }

  match(method: string, path: string): RouteMatch<R> | undefined {
    for (const c of this.compiled) {
      if (c.route.method !== method) continue;
      const m = c.pattern.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      try {
        c.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1] ?? "")));
      } catch {
        // A malformed percent-escape cannot name anything the emulator holds: treat it as no route.
        return undefined;
      }
      return { route: c.route, params };
    }
    return undefined;
  }
}

function compile<R extends TemplateRoute>(route: R): CompiledRoute<R> {
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

function literalCount(route: TemplateRoute): number {
  return route.template.split("/").filter((s) => s && !s.startsWith("{")).length;
}
