/**
 * What a deploy's message shows of its verification: while it bakes, the time left and a section per check (value
 * against threshold, sparkline, breach streak); once it ended, how it ended.
 */
import type { KnownBlock } from "@slack/types";
import type { Deployment } from "../../domain/deployment.js";
import type { CheckTrace, VerificationOutcome, VerificationRecord } from "../../domain/verify/record.js";
import type { VerifyPlan } from "../../domain/verify/types.js";
import { bold, code, context, join, mrkdwn, section, type SlackText } from "../mrkdwn.js";
import { who } from "./requester.js";
import { sparkline } from "./sparkline.js";
import { breachWords, duration, labelsText, measuredWords, missingWords } from "./verification-words.js";

/** The checks whose latest reading had no data under `noData: hold`: while any is, the bake clock stands still. */
export function heldChecks(v: VerificationRecord, plan: VerifyPlan | undefined): string[] {
  if (plan?.noData !== "hold") return [];
  return v.checks.filter((c) => c.last?.status === "no_data").map((c) => c.name);
}

/** How long the bake still needs, by the stored clock (time counted healthy), not by the wall clock. */
export function bakeLeftMs(v: VerificationRecord, plan: VerifyPlan): number {
  return Math.max(0, plan.bakeMs - v.bake.observedMs);
}

function streakWords(v: VerificationRecord, name: string, plan: VerifyPlan | undefined): string {
  const streak = v.bake.streaks[name] ?? 0;
  if (streak === 0) return "";
  return plan ? ` · breaching ${streak} of ${plan.failAfter}` : ` · breaching ${streak} in a row`;
}

/** One check's latest reading in words, without its name. */
export function checkState(v: VerificationRecord, c: CheckTrace, plan: VerifyPlan | undefined): SlackText {
  const last = c.last;
  if (!last) return mrkdwn`:hourglass: waiting for the first reading`;
  if (last.status === "no_data") {
    const compareTo = plan?.checks.find((s) => s.name === c.name)?.threshold;
    const missing = missingWords(last.missing, compareTo?.kind === "maxRatio" ? compareTo.compareTo : undefined);
    const error = last.error ? mrkdwn` (${last.error})` : "";
    const how =
      plan?.noData === "hold"
        ? " (held)"
        : plan?.noData === "pass"
          ? " (counts as holding: noData pass)"
          : streakWords(v, c.name, plan);
    return mrkdwn`:white_circle: ${missing}${error}${how}`;
  }
  const emoji = last.status === "breach" ? ":red_circle:" : ":large_green_circle:";
  const where = last.status === "breach" && labelsText(last.labels) ? mrkdwn` at ${code(labelsText(last.labels))}` : "";
  return mrkdwn`${emoji} ${measuredWords(last)}${where}${last.status === "breach" ? streakWords(v, c.name, plan) : ""}`;
}

function checkBlock(v: VerificationRecord, c: CheckTrace, plan: VerifyPlan | undefined): KnownBlock {
  const spark = c.points.length ? mrkdwn` ${code(sparkline(c.points))}` : "";
  return section(mrkdwn`${bold(c.name)}: ${checkState(v, c, plan)}${spark}`);
}

function bakingLine(v: VerificationRecord, plan: VerifyPlan | undefined): SlackText {
  const head = mrkdwn`:stethoscope: *Verifying on live metrics*`;
  if (!plan) return head;
  if (heldChecks(v, plan).length)
    return mrkdwn`${head} · clock stopped: no data (hold) · ${duration(bakeLeftMs(v, plan))} left of ${duration(plan.bakeMs)}`;
  return mrkdwn`${head} · ${duration(bakeLeftMs(v, plan))} left of ${duration(plan.bakeMs)}`;
}

/** `promoteTo`: the promotion Gantry asked for once the deploy was verified (records before it have none). */
function promotionOf(v: VerificationRecord): SlackText | "" {
  const id = "promotionId" in v && typeof v.promotionId === "number" ? v.promotionId : undefined;
  return id === undefined ? "" : mrkdwn` Promotion asked for: #${id}.`;
}

/** How a verification ended, in one line. */
export function outcomeLine(d: Deployment, v: VerificationRecord, o: VerificationOutcome): SlackText {
  const after = duration(v.bake.observedMs);
  switch (o.kind) {
    case "verified": {
      const held = v.bake.heldMs ? mrkdwn` (the clock stood still ${duration(v.bake.heldMs)} for missing data)` : "";
      return mrkdwn`:white_check_mark: *Verified* after ${after} on live metrics${held}.${promotionOf(v)}`;
    }
    case "failed": {
      // The deploy's reason is the engine's words for the breach, as the alert and the change ticket have them.
      const why = d.state === "failed" && d.reason ? d.reason : breachWords(o.breach);
      const next = v.rollbackId ? mrkdwn` Gantry (automatic) is rolling back: #${v.rollbackId}.` : "";
      return mrkdwn`:x: *Verification failed:* ${why}.${next}`;
    }
    case "inconclusive": {
      const parts: SlackText[] = [];
      if (o.held.length) parts.push(mrkdwn`no data (held) for ${o.held.join(", ")}`);
      if (o.breaching.length) parts.push(mrkdwn`still breaching: ${o.breaching.join(", ")}`);
      const why = parts.length ? mrkdwn`: ${join(parts, "; ")}` : "";
      return mrkdwn`:grey_question: *Verification inconclusive* after ${duration(Date.parse(o.at) - Date.parse(v.startedAt))}${why}. Not marked verified.`;
    }
    case "accepted":
      return mrkdwn`:ok_hand: *Accepted* by ${who(o.by)} after ${after} of the bake.${promotionOf(v)}`;
    case "rolled_back": {
      // The rollback may yet be refused (nothing good before it), so this says what the person did, not what followed.
      const as = v.rollbackId ? mrkdwn` Rolling back: #${v.rollbackId}.` : "";
      return mrkdwn`:rewind: *Ended* by ${who(o.by)} with Roll back now, after ${after} of the bake.${as}`;
    }
  }
}

/** A finished deploy's verification in a few words, for the reply that says how it ended. */
export function endedWhy(d: Deployment): SlackText | undefined {
  const o = d.verification?.outcome;
  if (!o) return undefined;
  switch (o.kind) {
    case "verified":
      return mrkdwn` (verified on live metrics)`;
    case "accepted":
      return mrkdwn` (accepted by ${who(o.by)} before the bake ended)`;
    case "inconclusive":
      return mrkdwn` (verification inconclusive: not verified)`;
    case "rolled_back":
      return mrkdwn`: ${who(o.by)} pressed Roll back now during verification`;
    case "failed":
      return undefined;
  }
}

/** The verification's blocks for the deploy message; none when the deploy verifies nothing. */
export function verificationBlocks(d: Deployment, plan: VerifyPlan | undefined): KnownBlock[] {
  const v = d.verification;
  if (!v) return [];
  const blocks: KnownBlock[] = [section(v.outcome ? outcomeLine(d, v, v.outcome) : bakingLine(v, plan))];
  if (v.unseen && !v.outcome) blocks.push(context(mrkdwn`:see_no_evil: Gantry could not see: ${v.unseen}`));
  blocks.push(...v.checks.map((c) => checkBlock(v, c, plan)));
  return blocks;
}
