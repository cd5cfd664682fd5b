import { generateKeyPairSync } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { createOctokit } from "../../src/github/octokit.js";
import { createLogger } from "../../src/log.js";
import { GitHubEmulator } from "../../sandbox/github/emulator.js";
import { assertCallsMatchOpenApi } from "../support/openapi.js";
import { CHANNEL, GITHUB_TOKEN, startHarness, stopAfterEach, USERS, type Harness } from "../support/harness.js";

const APP_ID = 424242;
const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const PRIVATE_PEM = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
const PUBLIC_PEM = publicKey.export({ type: "spki", format: "pem" }).toString();

const bearer = (header: string | undefined): string => (header ?? "").replace(/^(token|bearer)\s+/i, "");
const isJwt = (value: string): boolean => value.split(".").length === 3;

describe("running as a GitHub App", () => {
  let h: Harness | undefined;
  stopAfterEach(() => h);
  afterEach(() => {
    h = undefined;
  });

  it("deploys through an installation token looked up for the repository", async () => {
    h = await startHarness({ githubApp: { appId: APP_ID, privateKey: PRIVATE_PEM, publicKey: PUBLIC_PEM } });
    const sha = h.gh.addCommit("acme/checkout-api", { message: "ship it", branch: "main" });
    h.gh.setTag("acme/checkout-api", "v2.0.0", sha);

    await h.client.command(USERS.alice, "/deploy", "checkout-api v2.0.0 to staging", { channel: CHANNEL });
    const [latest] = await h.gantry.store.history("checkout-api", undefined, 1);
    const done = await h.finished(latest!.id);
    expect(done).toMatchObject({ state: "succeeded", sha });

    const calls = h.gh.calls;
    const lookup = calls.filter((c) => c.method === "GET" && c.path === "/repos/acme/checkout-api/installation");
    expect(lookup).toHaveLength(1);
    expect(lookup[0]?.status).toBe(200);
    expect(isJwt(bearer(lookup[0]?.headers.authorization))).toBe(true);
    const installationId = h.gh.installationId("acme");
    const minted = calls.filter(
      (c) => c.method === "POST" && c.path === `/app/installations/${installationId}/access_tokens`,
    );
    expect(minted).toHaveLength(1);
    expect(minted[0]?.status).toBe(201);
    expect(isJwt(bearer(minted[0]?.headers.authorization))).toBe(true);

    const [issued] = h.gh.installationTokens;
    expect(issued?.token).toMatch(/^ghs_/);
    const repoCalls = calls.filter(
      (c) => c.path.startsWith("/repos/acme/checkout-api/") && !c.path.endsWith("/installation"),
    );
    expect(repoCalls.length).toBeGreaterThan(3);
    expect(repoCalls.some((c) => c.path.endsWith("/dispatches"))).toBe(true);
    for (const call of repoCalls) expect(bearer(call.headers.authorization)).toBe(issued?.token);
    expect(calls.some((c) => bearer(c.headers.authorization) === GITHUB_TOKEN)).toBe(false);
    expect(calls.filter((c) => c.status === 401)).toEqual([]);
  });

  it("asks for a new installation token before the current one expires", async () => {
    h = await startHarness({
      githubApp: { appId: APP_ID, privateKey: PRIVATE_PEM, publicKey: PUBLIC_PEM, tokenTtlMs: 3_000 },
    });
    const sha = h.gh.addCommit("acme/checkout-api", { message: "ship it", branch: "main" });

    await h.client.command(USERS.alice, "/deploy", "checkout-api main to staging", { channel: CHANNEL });
    const [first] = await h.gantry.store.history("checkout-api", undefined, 1);
    expect(await h.finished(first!.id)).toMatchObject({ state: "succeeded", sha });
    const mintedFirst = h.gh.installationTokens.length;
    expect(mintedFirst).toBeGreaterThanOrEqual(1);

    // Past half the token's life: the next request must come with a new one, and no request may fail for it.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await h.client.command(USERS.bob, "/deploy", "checkout-api main to staging", { channel: CHANNEL });
    const [second] = await h.gantry.store.history("checkout-api", undefined, 1);
    expect(second!.id).not.toBe(first!.id);
    expect(await h.finished(second!.id)).toMatchObject({ state: "succeeded" });

    const tokens = h.gh.installationTokens;
    expect(tokens.length).toBeGreaterThan(mintedFirst);
    const latest = tokens.at(-1)!.token;
    const last = h.gh.calls
      .filter((c) => c.path.startsWith("/repos/acme/checkout-api/") && !c.path.endsWith("/installation"))
      .at(-1);
    expect(bearer(last?.headers.authorization)).toBe(latest);
    // The installation was looked up once and cached.
    expect(h.gh.calls.filter((c) => c.path === "/repos/acme/checkout-api/installation")).toHaveLength(1);
    expect(h.gh.calls.filter((c) => c.status === 401)).toEqual([]);
  }, 15_000);
});

describe("the emulator's App endpoints", () => {
  let gh: GitHubEmulator | undefined;
  afterEach(async () => {
    await gh?.stop();
    gh = undefined;
  });

  it("looks installations up per owner, and refuses bad JWTs, foreign and expired tokens", async () => {
    gh = new GitHubEmulator({ token: GITHUB_TOKEN });
    await gh.start();
    gh.addRepo({ fullName: "acme/checkout-api", workflows: ["deploy.yml"] });
    gh.addRepo({ fullName: "umbrella/ledger", workflows: ["deploy.yml"] });
    gh.setApp({ appId: APP_ID, publicKey: PUBLIC_PEM, tokenTtlMs: 2_000 });
    const log = createLogger("silent");
    const octokit = createOctokit({
      baseUrl: gh.url,
      auth: { kind: "app", appId: APP_ID, privateKey: PRIVATE_PEM },
      log,
      writeSpacingMs: 0,
      retryBaseMs: 5,
    });

    await octokit.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "checkout-api" });
    await octokit.request("GET /repos/{owner}/{repo}", { owner: "umbrella", repo: "ledger" });
    expect(new Set(gh.installationTokens.map((t) => t.installationId))).toEqual(
      new Set([gh.installationId("acme"), gh.installationId("umbrella")]),
    );

    // A PAT is no JWT, and a token of one installation opens no other owner's repositories.
    const raw = (path: string, auth: string) =>
      fetch(`${gh!.url}${path}`, { headers: { authorization: `token ${auth}` } });
    expect((await raw("/repos/acme/checkout-api/installation", GITHUB_TOKEN)).status).toBe(401);
    const acmeToken = gh.installationTokens.find((t) => t.owner === "acme")!.token;
    expect((await raw("/repos/acme/checkout-api", acmeToken)).status).toBe(200);
    expect((await raw("/repos/umbrella/ledger", acmeToken)).status).toBe(404);

    const { privateKey: otherKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const forged = createOctokit({
      baseUrl: gh.url,
      auth: { kind: "app", appId: APP_ID, privateKey: otherKey.export({ type: "pkcs1", format: "pem" }).toString() },
      log,
      writeSpacingMs: 0,
      retryBaseMs: 5,
    });
    await expect(
      forged.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "checkout-api" }),
    ).rejects.toMatchObject({ status: 401 });

    // Revoked tokens: the client gets a new one and tries again, once.
    gh.revokeInstallationTokens();
    const before = gh.installationTokens.length;
    await octokit.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "checkout-api" });
    expect(gh.installationTokens).toHaveLength(before + 1);
    const renewed = gh.installationTokens.at(-1)!.token;
    expect(gh.calls.at(-1)?.headers.authorization).toBe(`token ${renewed}`);

    expect((await raw("/repos/acme/checkout-api", renewed)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect((await raw("/repos/acme/checkout-api", renewed)).status).toBe(401);
    assertCallsMatchOpenApi(gh.calls);
  });
});
