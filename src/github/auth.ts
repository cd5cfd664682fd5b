/**
 * GitHub App authentication for one Octokit that talks to many repositories.
 *
 * `@octokit/auth-app` authenticates as one installation; Gantry deploys to repositories that may belong to
 * different installations (one per organization or user). This strategy looks up the installation of each request's
 * repository (`GET /repos/{owner}/{repo}/installation`, cached), and sends that installation's token. auth-app
 * caches the tokens; as its cache keeps them for a fixed 59 minutes whatever `expires_at` says, we also ask it for a
 * fresh one before the current one expires.
 */
import type { createAppAuth } from "@octokit/auth-app";
import { GantryError } from "../errors.js";

type HookArgs = Parameters<ReturnType<typeof createAppAuth>["hook"]>;
type RequestInterface = HookArgs[0];

/** How Gantry authenticates to GitHub: a token (a PAT, or any token), or as a GitHub App. */
export type GitHubAuth = { kind: "token"; token: string } | { kind: "app"; appId: string | number; privateKey: string };

export interface RepoAppAuthOptions {
  appId: string | number;
  privateKey: string;
  /** Octokit's own request (with its base URL, so GHES works); passed in by Octokit when used as `authStrategy`. */
  request: RequestInterface;
  /** Ask for a new installation token this long before the current one expires (default 5 minutes, capped at half its life). */
  refreshBeforeMs?: number;
  /** For tests. */
  now?: () => number;
}

interface InstallationToken {
  token: string;
  createdAt: string;
  expiresAt: string;
}

/** Paths that GitHub authenticates with the App's JWT rather than an installation token. */
const APP_PATHS = [
  /^\/app(\/|$)/,
  /^\/repos\/[^/]+\/[^/]+\/installation$/,
  /^\/orgs\/[^/]+\/installation$/,
  /^\/users\/[^/]+\/installation$/,
];
const REPO_PATH = /^\/repos\/([^/]+)\/([^/]+)(\/|$)/;

function pathOf(url: string, baseUrl: string): string {
  const rest = url.startsWith(baseUrl) ? url.slice(baseUrl.length) : new URL(url, "http://x").pathname;
  return rest.split("?")[0] ?? "";
}

/**
 * An Octokit `authStrategy`: `new Octokit({ authStrategy: createRepoAppAuth, auth: { appId, privateKey } })`.
 * Octokit adds `request`. Requests outside `/repos/{owner}/{repo}` (other than the App's own) are refused.
 */
export function createRepoAppAuth(options: RepoAppAuthOptions) {
  // auth-app (and its JWT signing) is loaded with the first request: a Gantry on a token never loads it.
  let loading: Promise<ReturnType<typeof createAppAuth>> | undefined;
  const app = () =>
    (loading ??= import("@octokit/auth-app").then(({ createAppAuth }) =>
      createAppAuth({ appId: options.appId, privateKey: options.privateKey, request: options.request }),
    ));
  const now = options.now ?? Date.now;
  const refreshBefore = options.refreshBeforeMs ?? 5 * 60_000;
  const installations = new Map<string, Promise<number>>();
  const tokens = new Map<number, InstallationToken>();

  function installationOf(request: RequestInterface, owner: string, repo: string): Promise<number> {
    const key = `${owner}/${repo}`.toLowerCase();
    let found = installations.get(key);
    if (!found) {
      found = app()
        .then((a) => a.hook(request, "GET /repos/{owner}/{repo}/installation", { owner, repo }))
        .then((res) => (res.data as { id: number }).id)
        .catch((err: unknown) => {
          installations.delete(key);
          const status = (err as { status?: number }).status;
          if (status === 404) {
            throw new GantryError(
              "github_error",
              `the GitHub App is not installed on ${owner}/${repo}: install it there (or on its organization) with access to that repository`,
              { reason: "app_not_installed", repo: key },
            );
          }
          throw err;
        });
      installations.set(key, found);
    }
    return found;
  }

  const refreshing = new Map<number, Promise<InstallationToken>>();

  /** The installation's token: auth-app's cached one, or a new one when it is close to expiry (or `force`). */
  async function installationToken(installationId: number, force = false): Promise<string> {
    const current = tokens.get(installationId);
    let refresh = force;
    if (current && !refresh) {
      const expires = Date.parse(current.expiresAt);
      const life = expires - Date.parse(current.createdAt);
      refresh = now() >= expires - Math.min(refreshBefore, life / 2);
    }
    if (current && !refresh) return current.token;
    // Concurrent requests share one refresh rather than each minting a token.
    let pending = refreshing.get(installationId);
    if (!pending) {
      pending = app()
        .then((a) => a({ type: "installation", installationId, ...(refresh ? { refresh: true } : {}) }))
        .then((auth) => {
          const t = auth as InstallationToken;
          const fresh = { token: t.token, createdAt: t.createdAt, expiresAt: t.expiresAt };
          tokens.set(installationId, fresh);
          return fresh;
        })
        .finally(() => refreshing.delete(installationId));
      refreshing.set(installationId, pending);
    }
    return (await pending).token;
  }

  async function hook(request: RequestInterface, route: HookArgs[1], parameters?: HookArgs[2]) {
    const endpoint =
      typeof route === "string" ? request.endpoint.merge(route, parameters) : request.endpoint.merge(route);
    const url = endpoint.url ?? "";
    // The merged endpoint may still hold a template ("/repos/{owner}/{repo}"): expand it to see the repository.
    const path = pathOf(
      request.endpoint.parse({ ...endpoint, url }).url,
      String(endpoint.baseUrl ?? request.endpoint.DEFAULTS.baseUrl),
    );
    if (APP_PATHS.some((re) => re.test(path))) return (await app()).hook(request, route, parameters);
    const match = REPO_PATH.exec(path);
    if (!match) {
      throw new GantryError(
        "github_error",
        `as a GitHub App, Gantry only calls repository endpoints; ${endpoint.method} ${path} names none`,
        {
          reason: "app_no_repository",
          path,
        },
      );
    }
    const installationId = await installationOf(
      request,
      decodeURIComponent(match[1] ?? ""),
      decodeURIComponent(match[2] ?? ""),
    );
    const send = async (force: boolean) => {
      const token = await installationToken(installationId, force);
      return request({ ...endpoint, url, headers: { ...endpoint.headers, authorization: `token ${token}` } });
    };
    try {
      return await send(false);
    } catch (err) {
      // A token revoked or expired early: get a new one and try once more.
      if ((err as { status?: number }).status !== 401) throw err;
      return send(true);
    }
  }

  const auth = async (): Promise<{ type: "app-per-repository"; appId: string | number }> => ({
    type: "app-per-repository",
    appId: options.appId,
  });
  return Object.assign(auth, { hook, forgetInstallations: () => installations.clear() });
}
