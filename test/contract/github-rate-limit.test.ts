import { Octokit } from "@octokit/rest";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GitHubEmulator } from "../../sandbox/github/emulator.js";
import { assertCallsMatchOpenApi } from "../support/openapi.js";

const TOKEN = "test-token";
const REPO = { owner: "acme", repo: "rate-api" };
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

let gh: GitHubEmulator;
let octokit: Octokit;

async function statusOf(promise: Promise<{ status: number; headers: Record<string, unknown> }>) {
  try {
    const res = await promise;
    return { status: res.status, headers: res.headers, data: undefined as unknown };
  } catch (err) {
    const e = err as { status: number; response: { headers: Record<string, unknown>; data?: unknown } };
    return { status: e.status, headers: e.response.headers, data: e.response.data };
  }
}

beforeAll(async () => {
  gh = new GitHubEmulator({ token: TOKEN });
  octokit = new Octokit({ baseUrl: await gh.start(), auth: TOKEN, log: silent });
  gh.addRepo({ fullName: "acme/rate-api", workflows: ["deploy.yml"] });
});

afterAll(async () => {
  await gh.stop();
});

describe("GitHub emulator: the token's rate limit", () => {
  it("counts costed requests, not 304s, answers 403 with remaining 0 once spent, and starts over at the reset", async () => {
    gh.setRateLimit({ limit: 3, windowMs: 1500 });
    const first = await octokit.rest.repos.get(REPO);
    expect(first.headers["x-ratelimit-limit"]).toBe("3");
    expect(first.headers["x-ratelimit-remaining"]).toBe("2");
    expect(Number(first.headers["x-ratelimit-reset"]) * 1000).toBeGreaterThan(Date.now());
    const unchanged = await statusOf(
      octokit.rest.repos.get({ ...REPO, headers: { "if-none-match": first.headers.etag ?? "" } }),
    );
    expect(unchanged.status).toBe(304);
    expect(unchanged.headers["x-ratelimit-remaining"]).toBe("2");
    await octokit.rest.repos.get(REPO);
    await octokit.rest.repos.get(REPO);
    const refused = await statusOf(octokit.rest.repos.get(REPO));
    expect(refused).toMatchObject({
      status: 403,
      headers: { "x-ratelimit-remaining": "0", "x-ratelimit-used": "3" },
      data: { message: expect.stringMatching(/^API rate limit exceeded/) },
    });
    expect(gh.rateLimitState()).toMatchObject({ limit: 3, used: 3 });
    // The window resets at x-ratelimit-reset: a request after it is served and counted in the new window.
    await vi.waitFor(async () => expect((await statusOf(octokit.rest.repos.get(REPO))).status).toBe(200), {
      timeout: 5000,
      interval: 100,
    });
    expect(gh.rateLimitState().used).toBe(1);
    assertCallsMatchOpenApi(gh.calls);
    gh.setRateLimit();
  });
});
