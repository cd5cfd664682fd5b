import { serviceNamed } from "../config/lookup.js";
import type { AppPorts as Ports } from "../ports.js";
import { localDate } from "../domain/format.js";
import { chartInput } from "../digest/chart-input.js";
import { renderTrendChart } from "../digest/chart.js";
import { digestData, digestMessage } from "../digest/digest-message.js";
import { loadDoraInput } from "../digest/dora-input.js";
import { nextFire, parseCron } from "../domain/cron-time.js";
import { teamTimezone } from "../domain/dora/targets.js";
import { weekStart, weekWindow } from "../domain/dora/time.js";
import { routeNotice } from "../domain/notify.js";
import { deliver } from "../slack/notices.js";
import { syncIncidents } from "./sync-incidents.js";

function repoUrl(ports: Pick<Ports, "config" | "githubWeb">, service: string): string | undefined {
  const repo = serviceNamed(ports.config, service)?.repo;
  return repo && `${ports.githubWeb ?? "https://github.com"}/${repo}`;
}

export type DigestOutcome = "posted" | "already posted" | "disabled";

/** Posting takes seconds; a claim this old and never completed was left by a poster that died, and is taken over. */
export const DIGEST_CLAIM_STALE_MS = 5 * 60_000;

/**
 * Posts a team's digest for the week before `now`, exactly once: the (team, week) row is claimed first, so a
 * second run, a restart or another replica finds it taken. A failed post gives the claim back for a later run, and
 * a claim whose poster died before the message was posted goes stale, so the next catch-up posts it.
 */
export async function postWeeklyDigest(ports: Ports, team: string): Promise<DigestOutcome> {
  const cfg = ports.config.teams[team];
  if (!cfg?.digest.enabled) return "disabled";
  const now = ports.clock.now();
  const window = weekWindow(now, teamTimezone(ports.config, team), 1);
  const staleBefore = new Date(now.getTime() - DIGEST_CLAIM_STALE_MS).toISOString();
  if (!(await ports.store.claimDigest(team, window.from, now.toISOString(), staleBefore))) return "already posted";
  try {
    await syncIncidents(ports).catch((err: unknown) =>
      ports.log.warn({ err }, "incident sync before the digest failed"),
    );
    const data = digestData(await loadDoraInput(ports, team, window));
    const message = digestMessage(team, data, (s) => repoUrl(ports, s), teamTimezone(ports.config, team));
    // The team's notify rules may send it elsewhere, to more places, or nowhere; without a rule it goes to the team.
    const route = routeNotice(cfg.notify, { event: "digest" });
    const [home, ...copies] = route.fallback ? [cfg.channel] : [...route.channels];
    const posted = home ? await ports.slack.postMessage(home, message) : undefined;
    // Recorded before the chart, so the window in which a dying poster could leave a posted digest unrecorded is short.
    await ports.store.completeDigest({
      team,
      weekStart: window.from,
      channel: posted?.channel ?? null,
      ts: posted?.ts ?? null,
      postedAt: ports.clock.now().toISOString(),
    });
    await deliver(ports, { ...route, channels: copies }, message);
    if (!posted) {
      await ports.store.audit({
        actor: "gantry",
        action: "digest.quiet",
        detail: { team, week: window.from },
        at: now.toISOString(),
      });
      return "posted";
    }
    await ports.slack
      .uploadFile(
        posted.channel,
        {
          filename: `dora-${team}-${localDate(window.from, teamTimezone(ports.config, team))}.png`,
          title: `${team}: DORA trend, 12 weeks`,
          bytes: renderTrendChart(chartInput(team, data, teamTimezone(ports.config, team))),
        },
        posted.ts,
      )
      .catch((err: unknown) =>
        ports.log.warn({ team, err }, "could not upload the digest chart; the sparklines stand in"),
      );
    await ports.store.audit({
      actor: "gantry",
      action: "digest.posted",
      detail: { team, week: window.from },
      at: now.toISOString(),
    });
    return "posted";
  } catch (err) {
    await ports.store.releaseDigest(team, window.from);
    throw err;
  }
}

/** When this week's digest was due for a team: the first scheduled time at or after Monday 00:00. */
export function dueThisWeek(ports: Pick<Ports, "config">, team: string, now: Date): Date | undefined {
  const cfg = ports.config.teams[team];
  const cron = cfg && parseCron(cfg.digest.schedule);
  if (!cron?.ok) return undefined;
  const tz = teamTimezone(ports.config, team);
  const monday = weekStart(now, tz).getTime();
  const fire = nextFire(cron.spec, tz, monday - 1, 7 * 86_400_000);
  return fire === undefined ? undefined : new Date(fire);
}

/**
 * At start-up, on becoming the leader, and every few minutes: a digest due this week and not posted (Gantry was down,
 * or its poster died mid-way) is posted now. Cheap when it was: one claim that finds the row taken.
 */
export async function catchUpDigests(ports: Ports): Promise<Record<string, DigestOutcome | "not due">> {
  const now = ports.clock.now();
  const out: Record<string, DigestOutcome | "not due"> = {};
  for (const team of Object.keys(ports.config.teams)) {
    const due = dueThisWeek(ports, team, now);
    out[team] = due && due <= now ? await postWeeklyDigest(ports, team) : "not due";
  }
  return out;
}
