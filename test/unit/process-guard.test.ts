import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const GUARD = join(import.meta.dirname, "../../src/process-guard.ts");

/** Runs `body` in a fresh Node process with a ProcessGuard (logging to stdout) and a stand-in Gantry stopping with `stop`. */
async function guarded(
  body: string,
  stop = `async () => (clearInterval(serving), console.log("stopped"), { abandoned: [] })`,
): Promise<{ code: number; stdout: string }> {
  const script = `
    import { ProcessGuard } from ${JSON.stringify(GUARD)};
    const log = { info: (o, m) => console.log("info", m), error: (o, m) => console.log("error", m), fatal: (o, m) => console.log("fatal", m) };
    const guard = new ProcessGuard(log, { deadlineMs: 200 });
    // Stands for the HTTP server, which keeps a real Gantry's process alive until it exits.
    const serving = setInterval(() => {}, 1000);
    guard.serve({ stop: ${stop} });
    ${body}
  `;
  try {
    const { stdout } = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      timeout: 15_000,
    });
    return { code: 0, stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string };
    return { code: e.code, stdout: e.stdout };
  }
}

describe("the last resort", () => {
  it("logs an unhandled rejection and keeps serving", async () => {
    const { code, stdout } = await guarded(
      `Promise.reject(new Error("nobody awaited me")); setTimeout(() => (console.log("still serving"), process.kill(process.pid, "SIGTERM")), 50);`,
    );
    expect(stdout.split("\n").filter(Boolean)).toEqual([
      "error unhandled promise rejection; Gantry keeps serving",
      "still serving",
      "info shutting down",
      "stopped",
    ]);
    expect(code).toBe(0);
  });

  it("stops Gantry and exits 1 on an uncaught exception", async () => {
    const { code, stdout } = await guarded(`setTimeout(() => { throw new Error("thrown in a callback"); }, 10);`);
    expect(stdout.split("\n").filter(Boolean)).toEqual([
      "fatal uncaught exception; Gantry stops",
      "info shutting down",
      "stopped",
    ]);
    expect(code).toBe(1);
  });

  it("exits 1 after the backstop when stop() never finishes", async () => {
    const { code, stdout } = await guarded(`process.kill(process.pid, "SIGTERM");`, "() => new Promise(() => {})");
    expect(stdout).toContain("fatal shutdown did not finish; exiting");
    expect(code).toBe(1);
  });
});
