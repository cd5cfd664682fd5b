import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { expect } from "vitest";
import { createLogger } from "../../src/log.js";
import { startDemo, type Demo } from "../../sandbox/demo/start.js";
import { assertJiraCallsMatchContract } from "../support/jira-contract.js";
import { findChromium } from "./chromium.js";
import { assertCallsMatchOpenApi } from "../support/openapi.js";

export const ARTIFACTS = join("test", "artifacts");
/** How long the page may take to show what Gantry did: generous, for two busy cores. */
export const UI_TIMEOUT = 30_000;

export interface Playground {
  demo: Demo;
  browser: Browser;
  page: Page;
  stop(): Promise<void>;
}

/** The demo world exactly as `npm run demo` starts it (fast runs, a temp dir, any free port), and a browser on it. */
export async function openPlayground(): Promise<Playground> {
  const dir = mkdtempSync(join(tmpdir(), "gantry-playground-"));
  mkdirSync(ARTIFACTS, { recursive: true });
  const demo = await startDemo({ dataDir: dir, port: 0, speed: 10, log: createLogger("silent") });
  let browser: Browser | undefined;
  try {
    const { executablePath, args } = await findChromium();
    browser = await chromium.launch({ executablePath, args });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(UI_TIMEOUT);
    const errors: string[] = [];
    page.on("pageerror", (err) => errors.push(err.message));
    await page.goto(demo.playgroundUrl);
    await page.locator("body[data-ready=true]").waitFor();
    const opened = browser;
    return {
      demo,
      browser: opened,
      page,
      async stop() {
        try {
          expect(errors, "errors in the page").toEqual([]);
          assertEmulatorsClean(demo);
        } finally {
          await opened.close();
          await demo.stop();
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    await browser?.close();
    await demo.stop();
    throw err;
  }
}

/** The same checks as every end-to-end test: only real routes, and GitHub and Jira calls as their contracts say. */
function assertEmulatorsClean(demo: Demo): void {
  const unexpected = [...demo.gh.unexpectedCalls(), ...demo.jira.unexpectedCalls()].map((c) => `${c.method} ${c.path}`);
  unexpected.push(...demo.slack.calls.filter((c) => c.unexpected).map((c) => c.method));
  expect(unexpected, "unexpected emulator calls").toEqual([]);
  assertCallsMatchOpenApi(demo.gh.calls);
  assertJiraCallsMatchContract(demo.jira.calls);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `playground-${name}.png`) });
}

/** Picks who you are in the top bar, and waits until the page shows the workspace as that person sees it. */
export async function actAs(page: Page, user: string): Promise<void> {
  await page.locator("#whoami").selectOption(user);
  await page.locator("body[data-ready=true]").waitFor();
  await expect.poll(() => page.locator("body").getAttribute("data-user"), { timeout: UI_TIMEOUT }).toBe(user);
}

/** Types a slash command in the composer and sends it. */
export async function type(page: Page, text: string): Promise<void> {
  await page.locator("#composer-input").fill(text);
  await page.locator("#composer-input").press("Enter");
}

/**
 * Does `action` (typing a command, submitting a form) and returns the new channel message Gantry posts for it, found
 * by its heading (e.g. "Promote checkout-api → production"): not an older one with the same heading.
 */
export async function newDeployMessage(page: Page, heading: string, action: () => Promise<void>): Promise<Locator> {
  const all = page.locator("#messages .message:not(.ephemeral)", { hasText: heading });
  const before = await all.count();
  await action();
  await expect.poll(() => all.count(), { timeout: UI_TIMEOUT }).toBe(before + 1);
  return all.nth(before);
}
