/**
 * `npx tsx bench/edge-rss.ts`: Gantry's memory under unauthenticated bulk. For each round a fresh Gantry in its own
 * process (as the bench starts it, GitHub webhooks on) takes eight unsigned 25 MB bodies in parallel, to
 * /slack/events or to /github/webhooks, declared by Content-Length or streamed without one; its RSS idle, after, and
 * its high-water mark are printed. Not part of `npm test` or `npm run bench`: the figure behind the body limits.
 */
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { appEnv, spawnApp, startEmulators, targetsConfig } from "./world.js";

const MB = 1024 * 1024;
const BODY = Buffer.alloc(25 * MB, "a");

function memory(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rss: Math.round(kb("VmRSS") / 1024), hwm: Math.round(kb("VmHWM") / 1024) };
}

/** One POST of 25 MB; `chunked` leaves Content-Length out. Resolves with the status (or the error's code). */
function post(url: string, chunked: boolean): Promise<string> {
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: "POST",
        headers: { "content-type": "application/json", ...(chunked ? {} : { "content-length": String(BODY.length) }) },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(String(res.statusCode)));
      },
    );
    req.on("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    const step = MB;
    let at = 0;
    const write = (): void => {
      while (at < BODY.length) {
        const ok = req.write(BODY.subarray(at, at + step));
        at += step;
        if (!ok) return void req.once("drain", write);
      }
      req.end();
    };
    write();
  });
}

const em = await startEmulators();
const env = appEnv(em, join(em.dir, "rss.db"), {
  BENCH_CONFIG: JSON.stringify(targetsConfig(1, 1)),
  GITHUB_WEBHOOK_SECRET: "rss-secret",
  LOG_LEVEL: "warn",
});
try {
  // A fresh Gantry for each round, so one round's garbage does not count against the next.
  for (const chunked of [false, true]) {
    for (const path of ["/slack/events", "/github/webhooks"]) {
      const app = await spawnApp(["--import", "tsx", join(import.meta.dirname, "app-child.ts"), "gantry"], env);
      await new Promise((r) => setTimeout(r, 1500));
      const idle = memory(app.pid);
      const statuses = await Promise.all(Array.from({ length: 8 }, () => post(`${app.url}${path}`, chunked)));
      process.stdout.write(
        `${path} ${chunked ? "chunked" : "content-length"}: answers ${[...new Set(statuses)].join(",")}; RSS idle ${idle.rss} MB, after ${memory(app.pid).rss} MB, peak ${memory(app.pid).hwm} MB\n`,
      );
      await app.stop();
    }
  }
} finally {
  await em.stop();
}
