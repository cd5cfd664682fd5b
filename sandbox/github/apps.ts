/**
 * GitHub App authentication: the App's JWT (RS256, `iss` = App ID), one installation per repository owner, and
 * installation access tokens that expire.
 */
import { createPublicKey, randomBytes, verify, type KeyObject } from "node:crypto";
import type { RouteResponse } from "../http/router.js";
import * as fx from "./fixtures.js";
import { DOCS, notFound } from "./http.js";
import type { RepoStore } from "./repos.js";
import type { Route } from "./router.js";
import { iso, nowSeconds, stableId } from "./util.js";

export interface AppOptions {
  appId: number;
  /** The App's public key (PEM or KeyObject); JWTs must be signed with its private key. */
  publicKey: string | KeyObject;
  /** Lifetime of installation tokens (default one hour, as on GitHub). */
  tokenTtlMs?: number;
  /** Default "gantry". */
  slug?: string;
}

export interface InstallationTokenRecord {
  token: string;
  installationId: number;
  owner: string;
  /** ms since epoch, whole seconds like `expires_at`. */
  expiresAt: number;
}

const APP_DOCS = "https://docs.github.com/rest/apps/apps";
/** Paths GitHub authenticates with the App's JWT. */
const APP_PATH =
  /^\/(app(\/|$)|repos\/[^/]+\/[^/]+\/installation$|orgs\/[^/]+\/installation$|users\/[^/]+\/installation$)/;
const REPO_PATH = /^\/repos\/([^/]+)\//;
const PERMISSIONS = { actions: "write", contents: "read", deployments: "write", statuses: "read", metadata: "read" };
const EVENTS = ["deployment", "deployment_status", "workflow_run"];

export class AppAuthority {
  private app: { appId: number; publicKey: KeyObject; ttlMs: number; slug: string } | undefined;
  private readonly issued: InstallationTokenRecord[] = [];

  constructor(private readonly store: RepoStore) {}

  configure(opts: AppOptions | undefined): void {
    this.app = opts && {
      appId: opts.appId,
      publicKey: typeof opts.publicKey === "string" ? createPublicKey(opts.publicKey) : opts.publicKey,
      ttlMs: opts.tokenTtlMs ?? 60 * 60_000,
      slug: opts.slug ?? "gantry",
    };
  }

  get configured(): boolean {
    return this.app !== undefined;
  }

  /** Every installation token issued, oldest first. */
  get tokens(): readonly InstallationTokenRecord[] {
    return this.issued;
  }

  /** Makes every token issued so far invalid, as when an installation's tokens are revoked. */
  revokeAll(): void {
    for (const t of this.issued) t.expiresAt = 0;
  }

  static isAppPath(path: string): boolean {
    return APP_PATH.test(path);
  }

  installationId(owner: string): number {
    return stableId(owner.toLowerCase(), 40_000_000);
  }

  /**
   * Checks a credential for a path: undefined when it may pass, else the response. App paths take only the App's
   * JWT; other paths take an unexpired installation token, and only for repositories of that installation's owner.
   */
  check(credential: string, path: string): RouteResponse | "unknown" | undefined {
    if (!this.app) return "unknown";
    if (AppAuthority.isAppPath(path)) {
      const problem = this.jwtProblem(credential);
      return problem ? denied(problem) : undefined;
    }
    const record = this.issued.find((t) => t.token === credential);
    if (!record) return "unknown";
    if (Date.now() >= record.expiresAt) return denied("Bad credentials");
    const owner = REPO_PATH.exec(path)?.[1];
    if (owner !== undefined && decodeURIComponent(owner).toLowerCase() !== record.owner.toLowerCase()) {
      return { status: 404, body: { message: "Not Found", documentation_url: DOCS, status: "404" } };
    }
    return undefined;
  }

  routes(): Route[] {
    return [
      {
        method: "GET",
        template: "/repos/{owner}/{repo}/installation",
        operationId: "apps/get-repo-installation",
        handle: (req) => {
          const repo = this.store.find(req.params.owner, req.params.repo);
          return { status: 200, body: this.installation(req.api, repo.owner) };
        },
      },
      {
        method: "POST",
        template: "/app/installations/{installation_id}/access_tokens",
        operationId: "apps/create-installation-access-token",
        handle: (req) => {
          const app = this.mustApp();
          const id = Number(req.params.installation_id);
          const owner = this.owners().find((o) => this.installationId(o) === id);
          if (owner === undefined) throw notFound(`${APP_DOCS}#create-an-installation-access-token-for-an-app`);
          const expiresAt = Date.parse(iso(Date.now() + app.ttlMs));
          const token = `ghs_${randomBytes(18).toString("hex")}`;
          this.issued.push({ token, installationId: id, owner, expiresAt });
          return {
            status: 201,
            body: { token, expires_at: iso(expiresAt), permissions: PERMISSIONS, repository_selection: "all" },
          };
        },
      },
    ];
  }

  private owners(): string[] {
    return [...new Set(this.store.all().map((r) => r.owner))];
  }

  private mustApp(): NonNullable<AppAuthority["app"]> {
    if (!this.app) throw notFound(APP_DOCS);
    return this.app;
  }

  private installation(api: string, owner: string): Record<string, unknown> {
    const app = this.mustApp();
    const id = this.installationId(owner);
    const account = fx.user(api, owner, "Organization");
    const at = iso(nowSeconds() - 86_400_000);
    return {
      id,
      account,
      repository_selection: "all",
      access_tokens_url: `${api}/app/installations/${id}/access_tokens`,
      repositories_url: `${api}/installation/repositories`,
      html_url: `${fx.WEB}/organizations/${encodeURIComponent(owner)}/settings/installations/${id}`,
      app_id: app.appId,
      client_id: `Iv1.${app.appId.toString(16).padStart(16, "0")}`,
      target_id: account.id,
      target_type: "Organization",
      permissions: PERMISSIONS,
      events: EVENTS,
      created_at: at,
      updated_at: at,
      single_file_name: null,
      has_multiple_single_files: false,
      single_file_paths: [],
      app_slug: app.slug,
      suspended_by: null,
      suspended_at: null,
      contact_email: null,
    };
  }

  /** Why a JWT is refused, in GitHub's words, or undefined when it is good. */
  private jwtProblem(jwt: string): string | undefined {
    const app = this.app;
    if (!app) return "A JSON web token could not be decoded";
    const parts = jwt.split(".");
    if (parts.length !== 3) return "A JSON web token could not be decoded";
    const [head = "", body = "", sig = ""] = parts;
    let header: { alg?: unknown };
    let claims: { iss?: unknown; iat?: unknown; exp?: unknown };
    try {
      header = JSON.parse(Buffer.from(head, "base64url").toString("utf8")) as typeof header;
      claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as typeof claims;
    } catch {
      return "A JSON web token could not be decoded";
    }
    if (header.alg !== "RS256") return "A JSON web token could not be decoded";
    if (!verify("RSA-SHA256", Buffer.from(`${head}.${body}`), app.publicKey, Buffer.from(sig, "base64url"))) {
      return "A JSON web token could not be decoded";
    }
    if (String(claims.iss) !== String(app.appId)) return `Integration not found`;
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.iat !== "number" || claims.iat > now + 60)
      return "'Issued at' claim ('iat') must be an Integer representing a time in the past";
    if (typeof claims.exp !== "number" || claims.exp <= now)
      return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
    if (claims.exp - claims.iat > 600) return "'Expiration time' claim ('exp') is too far in the future";
    return undefined;
  }
}

function denied(message: string): RouteResponse {
  return { status: 401, body: { message, documentation_url: DOCS, status: "401" } };
}
