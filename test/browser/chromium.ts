/**
 * Which Chromium the browser tests drive: GANTRY_CHROMIUM if set; else a system Chromium or Chrome; else the one inside
 * the @sparticuz/chromium npm package (Linux x64 and arm64), so a machine with only Node and npm runs them too.
 */
import { existsSync } from "node:fs";

export interface ChromiumChoice {
  executablePath: string;
  args: string[];
  /** Where it came from, for the failure line. */
  source: string;
}

/** Headless without a sandbox (tests run as root in CI) and without the background traffic a closed network refuses. */
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const SYSTEM = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
  "/snap/bin/chromium",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
];

export const NO_CHROMIUM =
  "no Chromium for the browser tests: install one (Debian: apt-get install chromium), set GANTRY_CHROMIUM to a Chromium or Chrome binary, or run npm install on Linux x64/arm64 so @sparticuz/chromium can supply one";

export async function findChromium(): Promise<ChromiumChoice> {
  const given = process.env.GANTRY_CHROMIUM;
  if (given) {
    if (!existsSync(given)) throw new Error(`GANTRY_CHROMIUM is ${given}, which does not exist: ${NO_CHROMIUM}`);
    return { executablePath: given, args: ARGS, source: "GANTRY_CHROMIUM" };
  }
  const system = SYSTEM.find((path) => existsSync(path));
  if (system) return { executablePath: system, args: ARGS, source: "the system" };
  return packaged();
}

async function packaged(): Promise<ChromiumChoice> {
  if (process.platform !== "linux" || !["x64", "arm64"].includes(process.arch)) throw new Error(NO_CHROMIUM);
  try {
    const { default: chromium } = await import("@sparticuz/chromium");
    // Its own flags fit the binary it ships (software GL, one process); ours are added for quiet, offline runs.
    return {
      executablePath: await chromium.executablePath(),
      args: [...new Set([...chromium.args, ...ARGS.filter((a) => a !== "--headless")])],
      source: "@sparticuz/chromium",
    };
  } catch (err) {
    throw new Error(`${NO_CHROMIUM} (@sparticuz/chromium: ${err instanceof Error ? err.message : String(err)})`, {
      cause: err,
    });
  }
}
