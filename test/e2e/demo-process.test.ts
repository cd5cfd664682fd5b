/**
 * `npm run demo` as a newcomer's script runs it: with standard input closed, on a chosen port. The prompt ends and the
 * playground goes on serving, saying so; SIGTERM stops everything; a port in use is refused with what to do.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "gantry-demo-process-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The demo as `npm run demo -- <args>` runs it, with standard input closed. */
function demo(args: string[]): { proc: ChildProcess; output: () => string; printed: (text: string) => Promise<void> } {
  const proc = spawn(process.execPath, ["--import", "tsx", "sandbox/demo/main.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, GANTRY_DEMO_DIR: dir, GANTRY_DEMO_SPEED: "10", PORT: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const waiters: (() => void)[] = [];
  const take = (chunk: Buffer) => {
    out += chunk.toString();
    waiters.splice(0).forEach((wake) => wake());
  };
  proc.stdout!.on("data", take);
  proc.stderr!.on("data", take);
  proc.once("exit", () => waiters.splice(0).forEach((wake) => wake()));
  const printed = async (text: string) => {
    while (!out.includes(text)) {
      if (proc.exitCode !== null || proc.signalCode !== null)
        throw new Error(`the demo ended before printing "${text}":\n${out}`);
      await new Promise<void>((wake) => waiters.push(wake));
    }
  };
  return { proc, output: () => out, printed };
}

async function freePort(): Promise<{ port: number; holder: Server }> {
  const holder = createServer();
  await new Promise<void>((done) => holder.listen(0, "127.0.0.1", done));
  return { port: (holder.address() as { port: number }).port, holder };
}

describe("npm run demo without a terminal", () => {
  it("goes on serving the playground when standard input is closed, and stops on SIGTERM", async () => {
    const { port, holder } = await freePort();
    await new Promise<void>((done) => holder.close(() => done()));
    const run = demo(["--port", String(port)]);
    await run.printed("Standard input is closed");
    expect(run.output()).toContain(`http://localhost:${port}/playground`);
    const page = await fetch(`http://127.0.0.1:${port}/playground/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<html");
    const exited = once(run.proc, "exit");
    run.proc.kill("SIGTERM");
    expect(await exited).toEqual([0, null]);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  }, 60_000);

  it("refuses a port in use with what to do instead", async () => {
    const { port, holder } = await freePort();
    try {
      const run = demo([`--port=${port}`]);
      const [code] = await once(run.proc, "exit");
      expect(code).toBe(1);
      expect(run.output()).toContain(
        `demo: port ${port} is already in use. Stop what listens there, or pick another: npm run demo -- --port 3100 (or PORT=3100)`,
      );
    } finally {
      holder.close();
    }
  }, 60_000);

  it("refuses a port that is not one", async () => {
    const run = demo(["--port", "http"]);
    const [code] = await once(run.proc, "exit");
    expect(code).toBe(2);
    expect(run.output()).toContain('demo: the port must be a whole number from 0 to 65535, not "http" (from --port)');
  }, 60_000);
});
